package dev.rewardstream.trainer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.TopicPartition;

/**
 * Gives every partition of the trainers' input to one member of their group: one trainer instance learns and
 * publishes a model, the others wait as standbys. The member holding the partitions keeps them when a standby joins
 * (cooperative rebalancing, so joining interrupts nothing); when it leaves or its session expires, they go to the
 * remaining member whose id sorts first.
 *
 * <p>Group membership decides who learns; it cannot stop a member that was paused past its session and then resumes
 * (a "zombie"): the trainer's transactional producer does ({@link TrainerService}).
 */
public final class SingleActiveAssignor implements ConsumerPartitionAssignor {

  @Override
  public GroupAssignment assign(Cluster metadata, GroupSubscription groupSubscription) {
    // Sorted by member id: the choice is the same whichever member computes it.
    Map<String, Subscription> members = new TreeMap<>(groupSubscription.groupSubscription());
    Set<String> topics = new TreeSet<>();
    members.values().forEach(subscription -> topics.addAll(subscription.topics()));
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : topics) {
      Integer count = metadata.partitionCountForTopic(topic);
      for (int p = 0; count != null && p < count; p++) {
        partitions.add(new TopicPartition(topic, p));
      }
    }
    String holder = members.entrySet().stream().filter(member -> !member.getValue().ownedPartitions().isEmpty())
        .map(Map.Entry::getKey).findFirst().orElse(members.keySet().iterator().next());
    Map<String, Assignment> assignments = new HashMap<>();
    List<TopicPartition> toHolder = new ArrayList<>();
    for (TopicPartition partition : partitions) {
      // Cooperative rules: a partition another member still owns is not handed over in the same rebalance; that
      // member gives it up, and the next rebalance gives it to the holder.
      boolean ownedElsewhere = members.entrySet().stream().anyMatch(member -> !member.getKey().equals(holder)
          && member.getValue().ownedPartitions().contains(partition));
      if (!ownedElsewhere) {
        toHolder.add(partition);
      }
    }
    for (String member : members.keySet()) {
      assignments.put(member, new Assignment(member.equals(holder) ? toHolder : List.of()));
    }
    return new GroupAssignment(assignments);
  }

  @Override
  public List<RebalanceProtocol> supportedProtocols() {
    return List.of(RebalanceProtocol.COOPERATIVE, RebalanceProtocol.EAGER);
  }

  @Override
  public String name() {
    return "rewardstream-single-active";
  }
}
