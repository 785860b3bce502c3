package dev.rewardstream.serde;

import dev.rewardstream.schema.DeadLetter;
import dev.rewardstream.schema.DriftAlert;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.schema.NormalizationStats;
import dev.rewardstream.schema.PairSuggestion;
import dev.rewardstream.schema.Preference;
import dev.rewardstream.schema.Score;
import dev.rewardstream.schema.TrainingExample;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * Every topic of the system with its layout and value serde, in one immutable registry that every module uses. Built
 * once per process (or per Flink task, from a serializable {@link SerdeConfig}).
 */
public final class Topics {

  private static final String RETENTION_MS = "retention.ms";
  private static final String CLEANUP_POLICY = "cleanup.policy";
  private static final String DAYS_7 = String.valueOf(Duration.ofDays(7).toMillis());
  private static final String DAYS_30 = String.valueOf(Duration.ofDays(30).toMillis());

  public final TopicSpec<Interaction> interactions;
  public final TopicSpec<Preference> preferences;
  public final TopicSpec<TrainingExample> trainingExamples;
  public final TopicSpec<Score> scores;
  public final TopicSpec<ModelUpdate> modelUpdates;
  public final TopicSpec<DriftAlert> driftAlerts;
  public final TopicSpec<DeadLetter> deadLetters;
  public final TopicSpec<NormalizationStats> normalizationStats;
  public final TopicSpec<PairSuggestion> pairSuggestions;
  private final SerdeConfig config;
  private final SchemaRegistry registry;

  private Topics(SerdeConfig config, SchemaRegistry registry) {
    this.config = config;
    this.registry = registry;
    String p = config.topicPrefix();
    int maxBytes = config.maxRecordBytes();
    interactions = spec(p + "interactions", 3, Map.of(RETENTION_MS, DAYS_7), Interaction.class, registry, maxBytes);
    preferences = spec(p + "preferences", 3, Map.of(RETENTION_MS, DAYS_30), Preference.class, registry, maxBytes);
    trainingExamples =
        spec(p + "training-examples", 3, Map.of(RETENTION_MS, DAYS_30), TrainingExample.class, registry, maxBytes);
    scores = new TopicSpec<>(p + "scores", 3, Map.of(RETENTION_MS, DAYS_7),
        new ConfluentAvroSerde<>(Score.class, registry, maxBytes, new ScoreBodyWriter()));
    // Compacted: the latest version per model name is all a restarting scorer needs.
    modelUpdates = spec(p + "model-updates", 1, Map.of(CLEANUP_POLICY, "compact"), ModelUpdate.class, registry, maxBytes);
    driftAlerts = spec(p + "drift-alerts", 1, Map.of(RETENTION_MS, DAYS_30), DriftAlert.class, registry, maxBytes);
    deadLetters = spec(p + "dead-letters", 1, Map.of(RETENTION_MS, DAYS_30), DeadLetter.class, registry, maxBytes);
    normalizationStats = spec(p + "normalization-stats", 1, Map.of(CLEANUP_POLICY, "compact"),
        NormalizationStats.class, registry, maxBytes);
    pairSuggestions = spec(p + "pair-suggestions", 3, Map.of(RETENTION_MS, DAYS_7), PairSuggestion.class, registry,
        maxBytes);
  }

  public static Topics connect(SerdeConfig config) {
    return new Topics(config, new ConfluentRegistryClient(config.registryUrl(), config.registrySettings()));
  }

  /** For tests and tools that bring their own registry client. */
  public static Topics using(SerdeConfig config, SchemaRegistry registry) {
    return new Topics(config, registry);
  }

  public SerdeConfig config() {
    return config;
  }

  /** Whether the schema registry these topics' serdes use answers now. */
  public boolean registryAnswers() {
    return registry.answers();
  }

  public List<TopicSpec<?>> all() {
    return List.of(interactions, preferences, trainingExamples, scores, modelUpdates, driftAlerts, deadLetters,
        normalizationStats, pairSuggestions);
  }

  private static <V extends SpecificRecord> TopicSpec<V> spec(
      String name, int partitions, Map<String, String> topicConfig, Class<V> type, SchemaRegistry registry,
      int maxBytes) {
    return new TopicSpec<>(name, partitions, topicConfig, new ConfluentAvroSerde<>(type, registry, maxBytes));
  }
}
