package dev.rewardstream.ops;

import dev.rewardstream.runtime.PlatformConfig;
import dev.rewardstream.jobs.EnvironmentSpec;
import dev.rewardstream.jobs.FeatureJobConfig;
import dev.rewardstream.jobs.RewardAttribution;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The embedded platform's options, shared by {@code up} and {@code demo}. */
final class PlatformOptions {

  @Option(names = "--data-dir", description = "State of every component (default: ${DEFAULT-VALUE}).",
      defaultValue = "rewardstream-data")
  Path dataDir;

  @Option(names = "--host", description = "Bind address of all servers (default: ${DEFAULT-VALUE}). Another than "
      + "loopback needs --secure (or --insecure-bind).", defaultValue = PlatformConfig.DEFAULT_HOST)
  String host;

  @Option(names = "--secure", description = "Authenticate and encrypt everything: Kafka takes SASL_SSL "
      + "(SCRAM-SHA-512) with one principal per service and ACLs, the registry HTTPS with basic auth (writers and "
      + "readers), the scoring API and dashboard HTTPS with a bearer token. The CA, certificates, passwords, token and "
      + "a client file per principal are written to DATA_DIR/security/.")
  boolean secure;

  @Option(names = "--insecure-bind", description = "Bind --host even though it is not a loopback address: whoever "
      + "reaches it can then read and write every topic, register schemas and query the scoring API.")
  boolean insecureBind;

  @Spec(Spec.Target.MIXEE) CommandSpec command;

  @Option(names = "--kafka-port", defaultValue = "" + PlatformConfig.DEFAULT_KAFKA_PORT,
      description = "Kafka port (default: ${DEFAULT-VALUE}).")
  int kafkaPort;

  @Option(names = "--controller-port", defaultValue = "" + PlatformConfig.DEFAULT_CONTROLLER_PORT,
      description = "KRaft controller port (default: ${DEFAULT-VALUE}).")
  int controllerPort;

  @Option(names = "--registry-port", defaultValue = "" + PlatformConfig.DEFAULT_REGISTRY_PORT,
      description = "Schema registry port (default: ${DEFAULT-VALUE}).")
  int registryPort;

  @Option(names = "--topic-prefix", defaultValue = "", description = "Prefix of every topic name.")
  String topicPrefix;

  @Option(names = "--checkpoint-interval-ms",
      defaultValue = "" + PlatformConfig.DEFAULT_CHECKPOINT_INTERVAL_MS,
      description = "Flink checkpoint interval; examples become visible at each checkpoint (default: ${DEFAULT-VALUE}).")
  long checkpointIntervalMs;

  @Option(names = "--publish-interval-ms",
      defaultValue = "" + PlatformConfig.DEFAULT_PUBLISH_INTERVAL_MS,
      description = "Trainer publishes a validated version at most this often (default: ${DEFAULT-VALUE}).")
  long publishIntervalMs;

  @Option(names = "--flink-parallelism", defaultValue = "" + PlatformConfig.DEFAULT_FLINK_PARALLELISM,
      description = "Parallelism of the feature job (default: ${DEFAULT-VALUE}).")
  int flinkParallelism;

  @Option(names = "--scorer-http-port", defaultValue = "" + PlatformConfig.DEFAULT_SCORER_HTTP_PORT,
      description = "Port of the scorer's scoring API (rank, score, model, health); 0 picks a free one "
          + "(default: ${DEFAULT-VALUE}).")
  int scorerHttpPort;

  @Option(names = "--metrics-port", defaultValue = "" + PlatformConfig.DEFAULT_METRICS_PORT,
      description = "Prometheus endpoint (/metrics) of the trainer, scorer, drift monitor and pair suggestions; 0 picks "
          + "a free one, -1 turns it off (default: ${DEFAULT-VALUE}).")
  int metricsPort;

  @Option(names = "--flink-metrics-port", defaultValue = "" + PlatformConfig.DEFAULT_FLINK_METRICS_PORT,
      description = "Prometheus endpoint of the feature job (Flink's own reporter); 0 picks a free one, -1 turns it "
          + "off (default: ${DEFAULT-VALUE}).")
  int flinkMetricsPort;

  @Option(names = "--dashboard-port", defaultValue = "" + PlatformConfig.DEFAULT_DASHBOARD_PORT,
      description = "The live validation dashboard; 0 picks a free port, -1 turns it off (default: ${DEFAULT-VALUE}).")
  int dashboardPort;

  @Option(names = "--environments", split = ",", paramLabel = "NAME=STATE:ACTION",
      description = "State and action sizes of each RL environment whose vectors the feature job accepts, e.g. "
          + "cartpole=4:1,reacher=11:2 (default: none; an unlisted environment takes the sizes of its first "
          + "interaction, and later ones of other sizes are dead-lettered).")
  Map<String, String> environments = new LinkedHashMap<>();

  @Option(names = "--unmatched-timeout-s", paramLabel = "SECONDS",
      description = "How long the feature job keeps a preference waiting for the interactions it names before it is "
          + "dead-lettered (default: ${DEFAULT-VALUE}).")
  long unmatchedTimeoutS = FeatureJobConfig.DEFAULT_UNMATCHED_TIMEOUT.toSeconds();

  @Option(names = "--reward-attribution", paramLabel = "MODE", description = "How an episode's sparse reward becomes "
      + "per-step examples: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  RewardAttribution rewardAttribution = FeatureJobConfig.DEFAULT_REWARD_ATTRIBUTION;

  @Mixin FeatureCliOptions features;
  @Mixin LearnerCliOptions learner;
  @Mixin ScorerCliOptions scorer;
  @Mixin DriftCliOptions drift;
  @Mixin PairSuggestionCliOptions pairs;

  PlatformConfig toConfig() {
    requireLoopbackOrInsecureBind();
    return new PlatformConfig(dataDir, host, kafkaPort, controllerPort, registryPort, topicPrefix,
        Duration.ofMillis(checkpointIntervalMs), flinkParallelism, Duration.ofMillis(publishIntervalMs),
        scorerHttpPort, learner.toOptions(), environmentSpecs(), Duration.ofSeconds(unmatchedTimeoutS),
        rewardAttribution, scorer.toConfig(features.toSpec()), drift.toConfig(), pairs.toConfig(features.toSpec()),
        metricsPort, flinkMetricsPort, dashboardPort, secure);
  }

  /** Unsecured, the platform authenticates no client: an address others can reach is an explicit choice. */
  private void requireLoopbackOrInsecureBind() {
    boolean loopback;
    try {
      loopback = InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new ParameterException(command.commandLine(), "--host " + host + " does not resolve to an address");
    }
    if (!loopback && !secure && !insecureBind) {
      throw new ParameterException(command.commandLine(), "--host " + host + " is not a loopback address, and "
          + "without --secure the platform authenticates no client (Kafka, the registry, the scoring API and the "
          + "dashboard would be open to whoever reaches it): pass --secure, or --insecure-bind to expose it anyway");
    }
  }

  private Map<String, EnvironmentSpec> environmentSpecs() {
    Map<String, EnvironmentSpec> specs = new LinkedHashMap<>();
    environments.forEach((name, spec) -> specs.put(name.trim(), EnvironmentSpec.parse(spec)));
    return specs;
  }
}
