package dev.rewardstream.runtime;

import dev.rewardstream.dashboard.DashboardService;
import dev.rewardstream.drift.DriftConfig;
import dev.rewardstream.jobs.EnvironmentSpec;
import dev.rewardstream.jobs.FeatureJob;
import dev.rewardstream.jobs.FeatureJobConfig;
import dev.rewardstream.jobs.RewardAttribution;
import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.platform.FreePorts;
import dev.rewardstream.scorer.ScorerConfig;
import dev.rewardstream.scorer.pairs.PairSuggestionConfig;
import dev.rewardstream.serde.KafkaConnection;
import dev.rewardstream.serde.SerdeConfig;
import dev.rewardstream.trainer.LearnerOptions;
import dev.rewardstream.trainer.TrainerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Where and how the embedded platform runs.
 *
 * @param dataDir broker logs, schema topic, Flink checkpoints, scorer state and model artifacts all live below it
 * @param host bind address of every server (127.0.0.1 unless deliberately exposed)
 * @param kafkaPort Kafka client port
 * @param controllerPort KRaft controller port
 * @param registryPort schema registry port
 * @param topicPrefix prefix of every topic name
 * @param checkpointInterval Flink checkpoint interval: the freshness cost of exactly-once examples
 * @param flinkParallelism parallelism of the feature job on the MiniCluster
 * @param publishInterval the trainer publishes a validated version at most this often
 * @param scorerHttpPort port of the scorer's scoring API on {@code host}; 0 picks a free one
 * @param learner how the trainer's reward model learns
 * @param environments the state and action sizes of each RL environment whose vectors the feature job accepts
 * @param unmatchedTimeout how long the feature job keeps a preference waiting for the interactions it names
 * @param rewardAttribution how the feature job turns an episode's sparse reward into pointwise examples
 * @param scorer the scorer's settings; its text bound is the feature job's too, as both validate the same interactions
 * @param drift the drift monitor's settings
 * @param pairs the pair-suggestion application's settings
 * @param metricsPort the Prometheus endpoint of the services in this JVM on {@code host}; 0 picks a free one, -1: none
 * @param flinkMetricsPort where Flink's Prometheus reporter serves the feature job's metrics; 0 picks a free one,
 *     -1: none
 * @param dashboardPort the live validation dashboard on {@code host}; 0 picks a free one, -1: none
 * @param secure SASL_SSL and ACLs on Kafka, HTTPS with basic auth on the registry, HTTPS with a bearer token on the
 *     scoring API and the dashboard; the CA, certificates, passwords, token and client files go to {@link #securityDir}
 */
public record PlatformConfig(Path dataDir, String host, int kafkaPort, int controllerPort, int registryPort,
    String topicPrefix, Duration checkpointInterval, int flinkParallelism, Duration publishInterval,
    int scorerHttpPort, LearnerOptions learner, Map<String, EnvironmentSpec> environments, Duration unmatchedTimeout,
    RewardAttribution rewardAttribution, ScorerConfig scorer, DriftConfig drift, PairSuggestionConfig pairs,
    int metricsPort, int flinkMetricsPort, int dashboardPort, boolean secure) {

  public PlatformConfig {
    environments = Map.copyOf(environments);
  }

  // The defaults as constant expressions, so that the command line's options name them instead of repeating them.
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_KAFKA_PORT = 9092;
  public static final int DEFAULT_CONTROLLER_PORT = 9093;
  public static final int DEFAULT_REGISTRY_PORT = 8081;
  public static final int DEFAULT_FLINK_PARALLELISM = 2;
  public static final int DEFAULT_SCORER_HTTP_PORT = 8090;
  public static final int DEFAULT_METRICS_PORT = 9464;
  public static final int DEFAULT_FLINK_METRICS_PORT = 9249;
  public static final int DEFAULT_DASHBOARD_PORT = DashboardService.DEFAULT_PORT;
  public static final long DEFAULT_CHECKPOINT_INTERVAL_MS = FeatureJob.DEFAULT_CHECKPOINT_INTERVAL_MS;
  public static final long DEFAULT_PUBLISH_INTERVAL_MS = TrainerConfig.DEFAULT_PUBLISH_INTERVAL_MS;

  public static PlatformConfig defaults(Path dataDir) {
    return new PlatformConfig(dataDir, DEFAULT_HOST, DEFAULT_KAFKA_PORT, DEFAULT_CONTROLLER_PORT, DEFAULT_REGISTRY_PORT,
        "", Duration.ofMillis(DEFAULT_CHECKPOINT_INTERVAL_MS), DEFAULT_FLINK_PARALLELISM,
        Duration.ofMillis(DEFAULT_PUBLISH_INTERVAL_MS), DEFAULT_SCORER_HTTP_PORT, LearnerOptions.defaults(), Map.of(),
        FeatureJobConfig.DEFAULT_UNMATCHED_TIMEOUT, FeatureJobConfig.DEFAULT_REWARD_ATTRIBUTION, ScorerConfig.defaults(),
        DriftConfig.defaults(), PairSuggestionConfig.defaults(), DEFAULT_METRICS_PORT, DEFAULT_FLINK_METRICS_PORT,
        DEFAULT_DASHBOARD_PORT, false);
  }

  /** The defaults with every port free: for tests and benchmarks that start platforms side by side. */
  public static PlatformConfig onFreePorts(Path dataDir) {
    return defaults(dataDir).withPorts(FreePorts.next(), FreePorts.next(), 0).withScorerHttpPort(0)
        .withMetricsPorts(0, 0).withDashboardPort(0);
  }

  /** The embedded feature job's configuration, against the platform's registry. */
  public FeatureJobConfig featureJobConfig(SerdeConfig serde) {
    return FeatureJobConfig.defaults(serde).withFeatureSpec(scorer.featureSpec())
        .withMaxTextChars(scorer.maxTextChars()).withEnvironments(environments)
        .withUnmatchedTimeout(unmatchedTimeout).withAttribution(rewardAttribution);
  }

  /**
   * The embedded trainer's configuration: the trainer's defaults with this platform's publish interval, learner and
   * feature spec (the scorer's, which every service of the platform shares).
   */
  public TrainerConfig trainerConfig(KafkaConnection kafka) {
    return TrainerConfig.defaults(kafka, artifactDir()).withPublishInterval(publishInterval)
        .withLearner(learner).withFeatureSpec(scorer.featureSpec());
  }

  public PlatformConfig withPorts(int kafka, int controller, int registry) {
    return new PlatformConfig(dataDir, host, kafka, controller, registry, topicPrefix, checkpointInterval,
        flinkParallelism, publishInterval, scorerHttpPort, learner, environments, unmatchedTimeout, rewardAttribution,
        scorer, drift, pairs, metricsPort, flinkMetricsPort, dashboardPort, secure);
  }

  /** Secured, or not. */
  public PlatformConfig withSecure(boolean secured) {
    return new PlatformConfig(dataDir, host, kafkaPort, controllerPort, registryPort, topicPrefix, checkpointInterval,
        flinkParallelism, publishInterval, scorerHttpPort, learner, environments, unmatchedTimeout, rewardAttribution,
        scorer, drift, pairs, metricsPort, flinkMetricsPort, dashboardPort, secured);
  }

  /** Where a secured platform keeps its CA, certificates, principals' passwords, API token and client files. */
  public Path securityDir() {
    return dataDir.resolve("security");
  }

  /** Where the trainer publishes versions, and the only place the scorer and pair suggestions read them from. */
  public Path artifactDir() {
    return dataDir.resolve("artifacts");
  }

  /** Every service featurizing with {@code spec}: the feature job, the trainer, the scorer and pair suggestions. */
  public PlatformConfig withFeatureSpec(FeatureSpec spec) {
    ScorerConfig scoring = new ScorerConfig(scorer.modelName(), spec, scorer.maxTextChars(), scorer.retainedOutputs(),
        scorer.rescoreCheckInterval(), scorer.uncertaintyPenalty(), scorer.discount(), scorer.maxTrajectories());
    PairSuggestionConfig suggestions = new PairSuggestionConfig(pairs.modelName(), spec, pairs.candidatesPerPrompt(),
        pairs.minInformation());
    return new PlatformConfig(dataDir, host, kafkaPort, controllerPort, registryPort, topicPrefix, checkpointInterval,
        flinkParallelism, publishInterval, scorerHttpPort, learner, environments, unmatchedTimeout, rewardAttribution,
        scoring, drift, suggestions, metricsPort, flinkMetricsPort, dashboardPort, secure);
  }

  public PlatformConfig withScorerHttpPort(int port) {
    return new PlatformConfig(dataDir, host, kafkaPort, controllerPort, registryPort, topicPrefix, checkpointInterval,
        flinkParallelism, publishInterval, port, learner, environments, unmatchedTimeout, rewardAttribution, scorer,
        drift, pairs, metricsPort, flinkMetricsPort, dashboardPort, secure);
  }

  public PlatformConfig withMetricsPorts(int services, int flink) {
    return new PlatformConfig(dataDir, host, kafkaPort, controllerPort, registryPort, topicPrefix, checkpointInterval,
        flinkParallelism, publishInterval, scorerHttpPort, learner, environments, unmatchedTimeout, rewardAttribution,
        scorer, drift, pairs, services, flink, dashboardPort, secure);
  }

  public PlatformConfig withDashboardPort(int port) {
    return new PlatformConfig(dataDir, host, kafkaPort, controllerPort, registryPort, topicPrefix, checkpointInterval,
        flinkParallelism, publishInterval, scorerHttpPort, learner, environments, unmatchedTimeout, rewardAttribution,
        scorer, drift, pairs, metricsPort, flinkMetricsPort, port, secure);
  }
}
