package dev.rewardstream.jobs;

import dev.rewardstream.schema.DeadLetter;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.NormalizationStats;
import dev.rewardstream.schema.TrainingExample;
import dev.rewardstream.schema.internal.FeaturizedInteraction;
import dev.rewardstream.serde.KafkaConnection;
import dev.rewardstream.serde.Topics;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The feature job: interactions and preferences in, training examples and dead letters out.
 *
 * <pre>
 * interactions ─► decode+validate ─┬─ text only ──────────────────────────────┐
 *                                  └─ numeric ─► normalize per environment ─┬─┴─► featurize ─┬─► serve features
 *                                                      normalization-stats ◄┘                 ├─► episode reward attribution ─┐
 *                                                                                             └─► pointwise examples ─────────┤
 * preferences ──► decode+validate ─► split ─► feature requests ─► serve features (keyed by interaction) ─► parts ─┐         │
 *                       │              └─► inline parts ────────────────────────────────────────────────────────┤         │
 *                       └────────────────────────────────► assemble pairwise example (keyed by preference) ◄──┘         │
 *                                                                         └──────────────► training-examples ◄─────────┘
 * every stage ─► dead-letters           (all three sinks transactional)
 * </pre>
 *
 * <p>Exactly once: Kafka offsets and operator state are checkpointed together and all three sinks write in Kafka
 * transactions committed on checkpoint, so readers with {@code isolation.level=read_committed} see each example once.
 * The checkpoint interval is the freshness cost of that guarantee (default 1 s).
 *
 * <p>Run on a cluster: {@code flink run stream-jobs-*-job.jar --bootstrap-servers kafka:9092 --schema-registry
 * http://schema-registry:8081}. Options: {@code --topic-prefix}, {@code --checkpoint-interval-ms},
 * {@code --unmatched-timeout-s}, {@code --flink-parallelism}, {@code --environments cartpole=4:1,reacher=11:2},
 * {@code --reward-attribution SPREAD|TERMINAL_STEP}, {@code --state-backend rocksdb|hashmap}.
 */
public final class FeatureJob {

  /** A constant expression, so command-line options can name it as their default. */
  public static final long DEFAULT_CHECKPOINT_INTERVAL_MS = 1000;
  public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofMillis(DEFAULT_CHECKPOINT_INTERVAL_MS);
  public static final String JOB_NAME = "rewardstream-features";

  private final Source<RawRecord, ?, ?> interactions;
  private final Source<RawRecord, ?, ?> preferences;
  private final Sink<TrainingExample> examples;
  private final Sink<DeadLetter> deadLetters;
  private final Sink<NormalizationStats> normalizationStats;
  private final FeatureJobConfig config;

  public FeatureJob(Source<RawRecord, ?, ?> interactions, Source<RawRecord, ?, ?> preferences,
      Sink<TrainingExample> examples, Sink<DeadLetter> deadLetters, Sink<NormalizationStats> normalizationStats,
      FeatureJobConfig config) {
    this.interactions = interactions;
    this.preferences = preferences;
    this.examples = examples;
    this.deadLetters = deadLetters;
    this.normalizationStats = normalizationStats;
    this.config = config;
  }

  /** The job over the real topics. */
  public static FeatureJob onKafka(KafkaConnection kafka, FeatureJobConfig config) {
    Topics topics = Topics.connect(config.serde());
    String group = config.serde().topicPrefix() + JOB_NAME;
    return new FeatureJob(
        KafkaConnectors.source(kafka, topics.interactions.name(), group + "-interactions"),
        KafkaConnectors.source(kafka, topics.preferences.name(), group + "-preferences"),
        KafkaConnectors.examplesSink(kafka, config.serde(), group),
        KafkaConnectors.deadLetterSink(kafka, config.serde(), group),
        KafkaConnectors.normalizationStatsSink(kafka, config.serde(), group),
        config);
  }

  /** Adds the job's operators to {@code env}. */
  public void build(StreamExecutionEnvironment env) {
    WatermarkStrategy<RawRecord> watermarks = WatermarkStrategy.<RawRecord>forBoundedOutOfOrderness(Duration.ofSeconds(5))
        .withTimestampAssigner((raw, kafkaTimestamp) -> raw.timestamp)
        .withIdleness(Duration.ofSeconds(10));

    SingleOutputStreamOperator<InteractionEnvelope> validInteractions = env
        .fromSource(interactions, watermarks, "interactions").uid("source-interactions")
        .process(new DecodeInteraction(config)).uid("decode-interaction").name("decode+validate interaction")
        .returns(TypeInformation.of(InteractionEnvelope.class));

    SingleOutputStreamOperator<Interaction> normalized = validInteractions
        .filter(InteractionEnvelope::hasNumbers).name("numeric interactions")
        .keyBy(InteractionEnvelope::environment)
        .process(new NormalizePerEnvironment(config)).uid("normalize-environment")
        .name("validate vectors + normalize per environment")
        .returns(TypeInformation.of(Interaction.class));

    DataStream<Interaction> textOnly = validInteractions
        .filter(envelope -> !envelope.hasNumbers()).name("text-only interactions")
        .map(envelope -> envelope.interaction).name("unwrap").returns(TypeInformation.of(Interaction.class));

    SingleOutputStreamOperator<FeaturizedInteraction> featurized = textOnly.union(normalized)
        .process(new FeaturizeInteraction(config)).uid("featurize-interaction").name("featurize interaction")
        .returns(TypeInformation.of(FeaturizedInteraction.class));

    SingleOutputStreamOperator<TrainingExample> episodeExamples = featurized
        .getSideOutput(FeaturizeInteraction.EPISODE_STEPS)
        .keyBy(step -> step.episodeId)
        .process(new AttributeEpisodeRewards(config)).uid("attribute-episode-rewards")
        .name("attribute episode rewards")
        .returns(TypeInformation.of(TrainingExample.class));

    SingleOutputStreamOperator<PreferenceEnvelope> validPreferences = env
        .fromSource(preferences, watermarks, "preferences").uid("source-preferences")
        .process(new DecodePreference(config)).uid("decode-preference").name("decode+validate preference")
        .returns(TypeInformation.of(PreferenceEnvelope.class));

    SingleOutputStreamOperator<FeatureRequest> requests = validPreferences
        .process(new SplitPreference(config)).uid("split-preference").name("split preference")
        .returns(TypeInformation.of(FeatureRequest.class));

    DataStream<FeaturePart> servedParts = featurized
        .keyBy(FeaturizedInteraction::getInteractionId)
        .connect(requests.keyBy(request -> request.interactionId))
        .process(new ServeFeatures(config)).uid("serve-features").name("join: serve interaction features")
        .returns(TypeInformation.of(FeaturePart.class));

    DataStream<FeaturePart> allParts = servedParts.union(requests.getSideOutput(SplitPreference.INLINE_PARTS));

    SingleOutputStreamOperator<TrainingExample> pairwise = validPreferences
        .keyBy(envelope -> envelope.preference.getPreferenceId())
        .connect(allParts.keyBy(part -> part.preferenceId))
        .process(new AssemblePairwiseExample(config)).uid("assemble-pairwise").name("join: assemble pairwise example")
        .returns(TypeInformation.of(TrainingExample.class));

    pairwise.union(featurized.getSideOutput(FeaturizeInteraction.POINTWISE), episodeExamples)
        .sinkTo(examples).uid("sink-training-examples").name("training-examples");

    validInteractions.getSideOutput(DeadLetterOutput.TAG)
        .union(normalized.getSideOutput(DeadLetterOutput.TAG), validPreferences.getSideOutput(DeadLetterOutput.TAG),
            pairwise.getSideOutput(DeadLetterOutput.TAG))
        .map(new CountDeadLetters()).uid("count-dead-letters").name("count-dead-letters")
        .sinkTo(deadLetters).uid("sink-dead-letters").name("dead-letters");

    normalized.getSideOutput(NormalizePerEnvironment.STATS)
        .sinkTo(normalizationStats).uid("sink-normalization-stats").name("normalization-stats");
  }

  /**
   * The state backend unless {@code --state-backend} says otherwise. The join keeps every featurized interaction for
   * the retention (a day by default), labelled or not: on the heap that is a few hours at a hundred interactions a
   * second in a 1 GB TaskManager, and a backlog of 600,000 answers (the scale-out bench) ran one out of memory. On
   * RocksDB it is bounded by disk, and its checkpoints are incremental.
   */
  public static final String DEFAULT_STATE_BACKEND = "rocksdb";

  /** Checkpointing as the exactly-once sinks need it, and the state on RocksDB. */
  public static void configure(StreamExecutionEnvironment env, Duration checkpointInterval) {
    configure(env, checkpointInterval, DEFAULT_STATE_BACKEND);
  }

  /** @param stateBackend Flink's {@code state.backend.type}: rocksdb, or hashmap for small state on the heap */
  public static void configure(StreamExecutionEnvironment env, Duration checkpointInterval, String stateBackend) {
    Configuration state = new Configuration();
    state.set(StateBackendOptions.STATE_BACKEND, stateBackend);
    state.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
    env.configure(state);
    env.enableCheckpointing(checkpointInterval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
    env.getCheckpointConfig().setMinPauseBetweenCheckpoints(Math.min(500, checkpointInterval.toMillis() / 2));
  }

  public static void main(String[] args) throws Exception {
    FeatureJobArgs parsed = FeatureJobArgs.parse(args);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    parsed.parallelism().ifPresent(env::setParallelism);
    configure(env, parsed.checkpointInterval(), parsed.stateBackend());
    onKafka(parsed.kafka(), parsed.config()).build(env);
    env.execute(JOB_NAME);
  }
}
