package dev.rewardstream.sim;

import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.LabelSource;
import dev.rewardstream.schema.Preference;
import dev.rewardstream.schema.PreferenceOutcome;
import dev.rewardstream.schema.PreferenceSide;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.serde.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Agents and labelers producing into the system. Each round an agent answers a prompt twice; a labeler compares the
 * two answers and publishes a preference, except for a held-out share of pairs whose labels stay here: those are the
 * fresh labelled pairs the live model is measured on.
 */
public final class Simulator implements AutoCloseable {

  /** A pair the system was never told the label of. */
  public record HeldOutPair(String a, String b, double rewardA, double rewardB, boolean labelPrefersA) {}

  /** A pair whose label was published, as the labeler saw it. */
  public record LabelledAnswers(String prompt, String a, String b, boolean prefersA) {}

  private final Topics topics;
  private final KafkaProducer<byte[], byte[]> producer;
  private final TextWorld world;
  private final Labeler labeler;
  private final double heldOutShare;
  private final String runId;
  private final Map<String, HeldOutPair> heldOut = new ConcurrentHashMap<>();
  private final AtomicLong interactions = new AtomicLong();
  private final AtomicLong preferences = new AtomicLong();
  private final List<LabelledAnswers> labelled = new ArrayList<>();
  private long round;
  private volatile Instant firstPreferenceAt;

  public Simulator(String bootstrapServers, Topics topics, TextWorld world, Labeler labeler, double heldOutShare) {
    this.topics = topics;
    this.producer = TopicIO.producer(bootstrapServers);
    this.world = world;
    this.labeler = labeler;
    this.heldOutShare = heldOutShare;
    this.runId = Long.toString(System.currentTimeMillis(), 36);
  }

  /** One prompt, two answers, and either a published preference or a held-out pair. */
  public void round() {
    round++;
    String prompt = world.prompt();
    String a = world.response();
    String b = world.response();
    String idA = runId + "-" + round + "-a";
    String idB = runId + "-" + round + "-b";
    Instant now = Instant.now();
    send(interaction(idA, prompt, a, now));
    send(interaction(idB, prompt, b, now));
    double rewardA = world.trueReward(a);
    double rewardB = world.trueReward(b);
    boolean prefersA = labeler.prefersA(rewardA, rewardB);
    if (world.random().nextDouble() < heldOutShare) {
      heldOut.put(idA, new HeldOutPair(idA, idB, rewardA, rewardB, prefersA));
      return;
    }
    Preference preference = Preference.newBuilder()
        .setPreferenceId(runId + "-" + round + "-pref")
        .setEventTime(now)
        .setA(PreferenceSide.newBuilder().setInteractionId(idA).build())
        .setB(PreferenceSide.newBuilder().setInteractionId(idB).build())
        .setOutcome(prefersA ? PreferenceOutcome.A : PreferenceOutcome.B)
        .setSource(LabelSource.SYNTHETIC)
        .setAnnotator("bradley-terry-labeler")
        .build();
    TopicIO.send(producer, topics.preferences, preference.getPreferenceId(), preference);
    labelled.add(new LabelledAnswers(prompt, a, b, prefersA));
    if (firstPreferenceAt == null) {
      firstPreferenceAt = Instant.now();
    }
    preferences.incrementAndGet();
  }

  private Interaction interaction(String id, String prompt, String response, Instant now) {
    return Interaction.newBuilder().setInteractionId(id).setAgentId("text-agent-1").setPolicyVersion("policy-1")
        .setEventTime(now).setPrompt(prompt).setResponse(response).build();
  }

  private void send(Interaction interaction) {
    TopicIO.send(producer, topics.interactions, interaction.getInteractionId(), interaction);
    interactions.incrementAndGet();
  }

  public void flush() {
    producer.flush();
  }

  public Map<String, HeldOutPair> heldOutPairs() {
    return heldOut;
  }

  /** Every published label so far, in the order sent. */
  public List<LabelledAnswers> labelled() {
    return Collections.unmodifiableList(labelled);
  }

  public Labeler labeler() {
    return labeler;
  }

  /** When the first preference was handed to the producer; null before. */
  public Instant firstPreferenceAt() {
    return firstPreferenceAt;
  }

  public long interactionsSent() {
    return interactions.get();
  }

  public long preferencesSent() {
    return preferences.get();
  }

  @Override
  public void close() {
    producer.close();
  }
}
