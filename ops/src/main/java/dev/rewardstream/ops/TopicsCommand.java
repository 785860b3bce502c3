package dev.rewardstream.ops;

import dev.rewardstream.platform.TopicAdmin;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code rewardctl topics}: create the system's topics on any cluster, idempotently. */
@Command(name = "topics", mixinStandardHelpOptions = true,
    description = "Create every topic with its partitions, retention and compaction; existing topics are left alone.")
final class TopicsCommand implements Callable<Integer> {

  @Mixin ClusterOptions cluster;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    // Topic layout needs no registry: --schema-registry is never contacted here.
    TopicAdmin.ensureTopics(cluster.kafka(), cluster.topics()).forEach(spec.commandLine().getOut()::println);
    return 0;
  }
}
