package dev.rewardstream.scorer;

import dev.rewardstream.model.Ensemble;
import dev.rewardstream.model.FeatureVector;
import dev.rewardstream.model.Featurizer;
import dev.rewardstream.model.InputSketch;
import dev.rewardstream.model.InteractionValidator;
import dev.rewardstream.model.LoadedModel;
import dev.rewardstream.model.ResponseSteps;
import dev.rewardstream.schema.AlertStatus;
import dev.rewardstream.schema.DeadLetter;
import dev.rewardstream.schema.DriftAlert;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.Score;
import dev.rewardstream.schema.Severity;
import dev.rewardstream.serde.DeadLetters;
import dev.rewardstream.schema.RecordRejectedException;
import dev.rewardstream.serde.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Scores each interaction with the live version and keeps the latest {@code retainedOutputs} of them (per task) in a
 * ring in a state store ({@link RetainedWindowStore}). When a new version goes live, the ring is rescored with it,
 * oldest first, and emitted again with {@code rescore = true}; interactions that arrived before any version existed
 * get their first score this way. Undecodable or invalid interactions are forwarded to the dead letters with their
 * origin.
 *
 * <p>The ring is the last {@code retainedOutputs} offsets of the task's input partition, so its durable copy is the
 * partition itself: the store is in memory without a changelog, and a task that starts with an empty ring reads the
 * part of the window it has not processed itself back from the partition ({@link SourcePartitionReader}), once, when
 * a version first needs the window. A changelog would write every interaction a second time, for a copy Kafka
 * already keeps (its cost: docs/design-notes.md).
 */
final class ScoreProcessor implements Processor<byte[], byte[], String, Object> {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ScoreProcessor.class);
  static final String STAGE = "scorer/score-interaction";

  private final ScorerConfig config;
  private final Topics topics;
  private final ModelHolder models;
  private final NormalizationTable normalization;
  private final String retainedStoreName;
  private final String episodeStoreName;
  private KeyValueStore<String, byte[]> episodes;
  private final Featurizer featurizer;
  private final ResponseSteps steps;
  private final InteractionValidator validator;
  private ProcessorContext<String, Object> context;
  /** Partitions of the input topic, read once when the first summary part needs it; -1 while unknown. */
  private int sourcePartitions = -1;
  private RetainedWindowStore retained;
  private long rescoredVersion;
  private final SourcePartitionReader source;
  /** The input partition and offsets this task has retained since it started; -1 before its first record. */
  private String sourceTopic;
  private int sourcePartition = -1;
  private long firstRetainedOffset = -1;
  private boolean refilled;

  private final ScorerMetrics metrics;

  ScoreProcessor(ScorerConfig config, Topics topics, ModelHolder models, NormalizationTable normalization,
      String retainedStoreName, String episodeStoreName, SourcePartitionReader source, ScorerMetrics metrics) {
    this.source = source;
    this.metrics = metrics;
    this.config = config;
    this.topics = topics;
    this.models = models;
    this.normalization = normalization;
    this.retainedStoreName = retainedStoreName;
    this.episodeStoreName = episodeStoreName;
    this.featurizer = new Featurizer(config.featureSpec());
    this.steps = config.featureSpec().steps();
    this.validator = new InteractionValidator(config.maxTextChars());
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.retained = context.getStateStore(retainedStoreName);
    this.episodes = context.getStateStore(episodeStoreName);
    context.schedule(config.rescoreCheckInterval(), PunctuationType.WALL_CLOCK_TIME, now -> onTick());
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    Interaction interaction;
    try {
      interaction = topics.interactions.decode(record.value());
      validator.validate(interaction);
    } catch (RecordRejectedException e) {
      RecordMetadata origin = context.recordMetadata().orElseThrow();
      DeadLetter letter = DeadLetters.of(STAGE, origin.topic(), origin.partition(), origin.offset(), record.key(),
          record.value(), e);
      context.forward(new Record<>(DeadLetters.keyOf(letter), letter, record.timestamp()));
      metrics.deadLetters.increment();
      return;
    }
    retain(record.value());
    Optional<LoadedModel> model = models.live();
    if (model.isPresent()) {
      emit(List.of(interaction), model.get(), false, record.timestamp());
    }
  }

  /**
   * Keeps the value in the ring slot of its input offset: one store write per record, and no counter to keep, since a
   * task reads one partition whose offsets only grow.
   */
  private void retain(byte[] value) {
    RecordMetadata origin = context.recordMetadata().orElseThrow();
    if (firstRetainedOffset < 0) {
      sourceTopic = origin.topic();
      sourcePartition = origin.partition();
      firstRetainedOffset = origin.offset();
    }
    retained.put(origin.offset(), value);
  }

  /**
   * Completes the window with the offsets before this task's first record, read back from the partition: up to
   * {@code retainedOutputs} offsets back from the latest. A task that has processed nothing yet (restarted, or moved
   * from another thread or instance, on a partition that has had no new interaction since) takes the window ending
   * where its group's committed offset says it resumes. Records that were dead-lettered when they first came are
   * skipped again. Once per task: afterwards the ring holds the window by itself.
   */
  private void refillFromSource() {
    if (refilled || source == null) {
      return;
    }
    String topic = sourceTopic;
    int partition = sourcePartition;
    long until = firstRetainedOffset;
    if (until < 0) {
      topic = topics.interactions.name();
      partition = context.taskId().partition();
      until = source.resumeOffset(topic, partition);
      if (until < 0) {
        // Nothing committed: the task reads its partition from the start and retains the window as it goes.
        return;
      }
    }
    refilled = true;
    long latest = firstRetainedOffset < 0 ? until - 1 : retained.latestOffset();
    long from = Math.max(0, latest + 1 - config.retainedOutputs());
    if (from >= until) {
      return;
    }
    int restored = 0;
    for (SourcePartitionReader.OffsetValue record : source.read(topic, partition, from, until)) {
      try {
        validator.validate(topics.interactions.decode(record.value()));
      } catch (RecordRejectedException e) {
        continue;
      }
      retained.put(record.offset(), record.value());
      restored++;
    }
    LOG.info("retained window of {}-{} refilled with {} interactions from offsets {}..{}", topic, partition, restored,
        from, until - 1);
  }

  private void onTick() {
    models.pollRefusal().ifPresent(this::alertRefusal);
    Optional<LoadedModel> model = models.live();
    if (model.isEmpty() || model.get().version() == rescoredVersion) {
      return;
    }
    LoadedModel live = model.get();
    rescoredVersion = live.version();
    refillFromSource();
    List<Interaction> window = new ArrayList<>();
    for (byte[] value : retained.valuesByOffset()) {
      window.add(topics.interactions.decode(value));
    }
    Featurized features = emit(window, live, true, context.currentSystemTimeMs());
    models.previous().ifPresent(previous -> summarizeShift(previous, live, features));
  }

  /**
   * How far the new version moved this task's retained outputs: the sums behind the mean shift and a sample of both
   * versions' rewards for the rank correlation, sent as this task's part of the version's one report
   * ({@link RescoreSummaries}). Every task that rescored sends a part, an empty window too, so the report knows when
   * it has them all.
   */
  private void summarizeShift(LoadedModel previous, LoadedModel live, Featurized features) {
    int n = features.whole().size();
    float[] before = n == 0 ? new float[0] : features.scoredBy(previous).rewards().mean();
    float[] after = n == 0 ? new float[0] : features.scoredBy(live).rewards().mean();
    double shiftSum = 0;
    for (int i = 0; i < n; i++) {
      shiftSum += after[i] - before[i];
    }
    int sampled = Math.min(n, RescorePartial.SAMPLE);
    float[] sampleBefore = new float[sampled];
    float[] sampleAfter = new float[sampled];
    for (int j = 0; j < sampled; j++) {
      // Evenly spaced over the window, so the sample spans its whole time range.
      int i = (int) ((long) j * n / sampled);
      sampleBefore[j] = before[i];
      sampleAfter[j] = after[i];
    }
    if (sourcePartitions < 0 && source != null) {
      sourcePartitions = source.partitionCount(sourceTopic != null ? sourceTopic : topics.interactions.name());
    }
    int partition = sourcePartition >= 0 ? sourcePartition : context.taskId().partition();
    context.forward(new Record<>(models.modelName(), new RescorePartial(models.modelName(), live.version(),
        previous.version(), partition, sourcePartitions, n, shiftSum, sampleBefore, sampleAfter),
        context.currentSystemTimeMs()));
  }

  /**
   * The features of a batch of outputs: of each whole response (its sketch and length), and of each step when
   * responses are cut into steps (null when they are not), which is what is scored then.
   */
  private record Featurized(List<FeatureVector> whole, List<List<FeatureVector>> steps) {

    LoadedModel.Scored scoredBy(LoadedModel model) {
      return steps == null ? model.scoreWithAttributes(whole) : model.scoreOutputs(steps);
    }
  }

  /** Scores and forwards {@code interactions}; returns their features. */
  private Featurized emit(List<Interaction> interactions, LoadedModel model, boolean rescore, long timestamp) {
    List<FeatureVector> whole = new ArrayList<>(interactions.size());
    List<List<FeatureVector>> stepped = steps.enabled() ? new ArrayList<>(interactions.size()) : null;
    Featurized features = new Featurized(whole, stepped);
    if (interactions.isEmpty()) {
      return features;
    }
    for (Interaction interaction : interactions) {
      if (stepped == null) {
        whole.add(features(interaction));
        continue;
      }
      Interaction normalized = normalization.normalize(interaction);
      List<FeatureVector> parts = featurizer.featurizeSteps(normalized, steps);
      stepped.add(parts);
      // A response of one step is its own whole: featurized once.
      whole.add(parts.size() == 1 ? parts.get(0) : featurizer.featurizeVector(normalized));
    }
    LoadedModel.Scored scored = features.scoredBy(model);
    Ensemble rewards = scored.rewards();
    (rescore ? metrics.rescored : metrics.scored).increment(interactions.size());
    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
    double k = config.uncertaintyPenalty();
    for (int i = 0; i < interactions.size(); i++) {
      Interaction interaction = interactions.get(i);
      double mean = rewards.mean()[i];
      double std = rewards.std()[i];
      // Set field by field on a new record: Avro's builder validates each field and then copies them all into the
      // record, per record, on the scorer's hot path.
      Score score = new Score();
      score.setInteractionId(interaction.getInteractionId());
      score.setAgentId(interaction.getAgentId());
      score.setPolicyVersion(interaction.getPolicyVersion());
      score.setModelName(model.update().getModelName());
      score.setModelVersion(model.version());
      score.setRawReward(mean);
      score.setNormalizedReward(model.normalize(mean));
      score.setUncertainty(std);
      score.setPessimisticReward(mean - k * std);
      score.setOptimisticReward(mean + k * std);
      score.setEpisodeId(interaction.getEpisodeId());
      score.setDiscountedReturn(rescore ? null : discountedReturn(interaction, mean));
      score.setRescore(rescore);
      score.setResponseLength(whole.get(i).responseTokens());
      score.setInputSketch(asList(InputSketch.of(whole.get(i))));
      score.setAttributeRewards(scored.attributeRewards(i));
      score.setPrefixRewards(scored.prefixRewards(i));
      score.setFirstBadStep(scored.firstBadStep(i, config.badStepThreshold()));
      score.setEventTime(interaction.getEventTime());
      score.setScoredAt(now);
      context.forward(new Record<>(interaction.getInteractionId(), score, timestamp));
    }
    return features;
  }

  /**
   * Σ γ^i r_i over the steps of this interaction's episode scored so far (state per episode, dropped at the done
   * step). Steps of one episode must reach the same task in order: producers key trajectory steps by episode id.
   * Rescores carry no return, since they revisit single steps out of their episode's order.
   */
  private Double discountedReturn(Interaction interaction, double reward) {
    if (interaction.getEpisodeId() == null) {
      return null;
    }
    String key = interaction.getEpisodeId();
    byte[] stored = episodes.get(key);
    double sum = stored == null ? 0 : java.nio.ByteBuffer.wrap(stored).getDouble();
    double total = sum + Math.pow(config.discount(), Math.max(0, interaction.getStep())) * reward;
    if (interaction.getDone()) {
      episodes.delete(key);
    } else {
      episodes.put(key, java.nio.ByteBuffer.allocate(8).putDouble(total).array());
    }
    return total;
  }

  private static List<Float> asList(float[] values) {
    List<Float> list = new ArrayList<>(values.length);
    for (float value : values) {
      list.add(value);
    }
    return list;
  }

  /** The features the feature job computes for the same interaction under the same normalization statistics. */
  FeatureVector features(Interaction interaction) {
    return featurizer.featurizeVector(normalization.normalize(interaction));
  }

  private void alertRefusal(ModelHolder.Refusal refusal) {
    String scope = "model=" + models.modelName();
    DriftAlert alert = DriftAlert.newBuilder()
        .setAlertId(UUID.randomUUID().toString())
        .setDetector(ScorerTopology.REFUSED_ARTIFACT_ALERT)
        .setScope(scope)
        .setStatus(AlertStatus.RAISED)
        .setSeverity(Severity.CRITICAL)
        .setStatistic(1)
        .setThreshold(0)
        .setMessage("refused " + refusal.what() + ": " + refusal.reason() + "; the previous version keeps serving")
        .setTime(Instant.ofEpochMilli(context.currentSystemTimeMs()))
        .build();
    context.forward(new Record<>(ScorerTopology.REFUSED_ARTIFACT_ALERT + "/" + scope, alert,
        context.currentSystemTimeMs()));
  }
}
