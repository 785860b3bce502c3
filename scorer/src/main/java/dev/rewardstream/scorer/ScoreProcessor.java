package dev.rewardstream.scorer;

import dev.rewardstream.model.Featurizer;
import dev.rewardstream.model.InteractionValidator;
import dev.rewardstream.model.LoadedModel;
import dev.rewardstream.schema.AlertStatus;
import dev.rewardstream.schema.DeadLetter;
import dev.rewardstream.schema.DriftAlert;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.Score;
import dev.rewardstream.schema.Severity;
import dev.rewardstream.schema.SparseFeatures;
import dev.rewardstream.serde.DeadLetters;
import dev.rewardstream.serde.RecordRejectedException;
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
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Scores each interaction with the live version and keeps the latest {@code retainedOutputs} of them (per task) in a
 * ring in a persistent store. When a new version goes live, the ring is rescored with it and emitted again with
 * {@code rescore = true}; interactions that arrived before any version existed get their first score this way.
 * Undecodable or invalid interactions are forwarded to the dead letters with their origin.
 */
final class ScoreProcessor implements Processor<byte[], byte[], Object, Object> {

  static final String STAGE = "scorer/score-interaction";

  private final ScorerConfig config;
  private final Topics topics;
  private final ModelHolder models;
  private final NormalizationTable normalization;
  private final String retainedStoreName;
  private final Featurizer featurizer;
  private final InteractionValidator validator;
  private ProcessorContext<Object, Object> context;
  private KeyValueStore<String, byte[]> retained;
  private long rescoredVersion;

  ScoreProcessor(ScorerConfig config, Topics topics, ModelHolder models, NormalizationTable normalization,
      String retainedStoreName) {
    this.config = config;
    this.topics = topics;
    this.models = models;
    this.normalization = normalization;
    this.retainedStoreName = retainedStoreName;
    this.featurizer = new Featurizer(config.featureSpec());
    this.validator = new InteractionValidator(config.maxTextChars());
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    this.retained = context.getStateStore(retainedStoreName);
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
      context.forward(new Record<>(DeadLetters.keyOf(letter), letter, record.timestamp()), ScorerTopology.DEAD_LETTERS);
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
    long offset = context.recordMetadata().map(RecordMetadata::offset).orElse(0L);
    retained.put(slotKey(offset % config.retainedOutputs()), value);
  }

  private static String slotKey(long slot) {
    return String.format("slot-%09d", slot);
  }

  private void onTick() {
    models.pollRefusal().ifPresent(this::alertRefusal);
    Optional<LoadedModel> model = models.live();
    if (model.isEmpty() || model.get().version() == rescoredVersion) {
      return;
    }
    LoadedModel live = model.get();
    rescoredVersion = live.version();
    List<Interaction> window = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> slots = retained.range(slotKey(0), slotKey(config.retainedOutputs()))) {
      slots.forEachRemaining(slot -> window.add(topics.interactions.decode(slot.value)));
    }
    emit(window, live, true, context.currentSystemTimeMs());
  }

  private void emit(List<Interaction> interactions, LoadedModel model, boolean rescore, long timestamp) {
    if (interactions.isEmpty()) {
      return;
    }
    List<SparseFeatures> features = new ArrayList<>(interactions.size());
    for (Interaction interaction : interactions) {
      features.add(features(interaction));
    }
    float[] rewards = model.score(features);
    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
    for (int i = 0; i < interactions.size(); i++) {
      Interaction interaction = interactions.get(i);
      Score score = Score.newBuilder()
          .setInteractionId(interaction.getInteractionId())
          .setAgentId(interaction.getAgentId())
          .setPolicyVersion(interaction.getPolicyVersion())
          .setModelName(model.update().getModelName())
          .setModelVersion(model.version())
          .setRawReward(rewards[i])
          .setNormalizedReward(model.normalize(rewards[i]))
          .setRescore(rescore)
          .setResponseLength(responseLength(interaction))
          .setEventTime(interaction.getEventTime())
          .setScoredAt(now)
          .build();
      context.forward(new Record<>(interaction.getInteractionId(), score, timestamp), ScorerTopology.SCORES);
    }
  }

  /** The features the feature job computes for the same interaction under the same normalization statistics. */
  SparseFeatures features(Interaction interaction) {
    return featurizer.featurize(normalization.normalize(interaction));
  }

  /**
   * The reward-hacking detector correlates reward with this, so it counts tokens exactly as the features do; a step
   * without response text (a state/action step) has no length, hence -1 as for old records.
   */
  private static int responseLength(Interaction interaction) {
    return interaction.getResponse() == null ? -1 : Featurizer.tokens(interaction.getResponse()).size();
  }

  private void alertRefusal(ModelHolder.Refusal refusal) {
    String scope = "model=" + models.modelName();
    DriftAlert alert = DriftAlert.newBuilder()
        .setAlertId(UUID.randomUUID().toString())
        .setDetector("model-artifact")
        .setScope(scope)
        .setStatus(AlertStatus.RAISED)
        .setSeverity(Severity.CRITICAL)
        .setStatistic(1)
        .setThreshold(0)
        .setMessage("refused " + refusal.what() + ": " + refusal.reason() + "; the previous version keeps serving")
        .setTime(Instant.ofEpochMilli(context.currentSystemTimeMs()))
        .build();
    context.forward(new Record<>("model-artifact/" + scope, alert, context.currentSystemTimeMs()),
        ScorerTopology.ALERTS);
  }
}
