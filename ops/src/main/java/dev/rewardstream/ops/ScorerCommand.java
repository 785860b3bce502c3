package dev.rewardstream.ops;

import dev.rewardstream.model.ArtifactStore;
import dev.rewardstream.runtime.MetricsEndpoint;
import dev.rewardstream.runtime.PlatformConfig;
import dev.rewardstream.runtime.PlatformSecurity;
import dev.rewardstream.scorer.ScorerService;
import dev.rewardstream.drift.DriftService;
import dev.rewardstream.scorer.pairs.PairSuggestionService;
import dev.rewardstream.security.SecurityMaterial;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code rewardctl scorer}: the scorer, its drift monitor and the pair suggestions against an existing cluster
 * (docker-compose runs this). They are three Kafka Streams applications, so each can run alone and scale on its own.
 */
@Command(name = "scorer", mixinStandardHelpOptions = true,
    description = "Run the scorer, the drift monitor and the pair suggestions (three Kafka Streams applications).")
final class ScorerCommand implements Callable<Integer> {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin ClusterOptions cluster;
  @Mixin FeatureCliOptions featureOptions;
  @Mixin ScorerCliOptions scorerOptions;
  @Mixin DriftCliOptions driftOptions;
  @Mixin PairSuggestionCliOptions pairOptions;
  @Mixin MetricsOptions metricsOptions;
  @Option(names = "--state-dir", defaultValue = "rewardstream-data/scorer-state") Path stateDir;
  @Option(names = "--drift-state-dir", defaultValue = "rewardstream-data/drift-state") Path driftStateDir;
  @Option(names = "--scoring", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Score interactions (--no-scoring: only the drift monitor, e.g. on its own host).")
  boolean scoring;
  @Option(names = "--drift-monitor", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Watch the scores for drift and reward hacking (--no-drift-monitor: scoring only).")
  boolean driftMonitor;
  @Option(names = "--pair-suggestions", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Publish the pairs most worth labelling to pair-suggestions (--no-pair-suggestions: leave out).")
  boolean pairSuggestions;
  @Option(names = "--pairs-state-dir", defaultValue = "rewardstream-data/pairs-state") Path pairsStateDir;
  @Option(names = "--artifact-dir", defaultValue = "rewardstream-data/artifacts", description = "The trainer's "
      + "--artifact-dir: the only directory model versions are read from; a version naming a file elsewhere is refused "
      + "(default: ${DEFAULT-VALUE}).")
  Path artifactDir;
  @Option(names = "--http-host", defaultValue = PlatformConfig.DEFAULT_HOST,
      description = "Bind address of the scoring API (default: ${DEFAULT-VALUE}).") String httpHost;
  @Option(names = "--http-port", defaultValue = "" + PlatformConfig.DEFAULT_SCORER_HTTP_PORT,
      description = "Port of the scoring API; 0 picks a free one, -1 turns it off (default: ${DEFAULT-VALUE}).")
  int httpPort;
  @Option(names = "--tls-dir", paramLabel = "DIR", description = "A secured platform's security directory: serve the "
      + "scoring API over HTTPS with its host certificate, requiring its bearer token (DIR/api-token).")
  Path tlsDir;

  @Override
  public Integer call() throws InterruptedException {
    if (!scoring && !driftMonitor && !pairSuggestions) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--no-scoring, --no-drift-monitor and --no-pair-suggestions leave nothing to run");
    }
    ScorerService scorer = scoring
        ? new ScorerService(cluster.kafka(), stateDir, ArtifactStore.at(artifactDir),
            scorerOptions.toConfig(featureOptions.toSpec()), cluster.topics()) : null;
    if (scorer != null && httpPort >= 0) {
      scorer.withHttp(httpHost, httpPort);
      if (tlsDir != null) {
        scorer.withHttpSecurity(PlatformSecurity.api(tlsDir, SecurityMaterial.ensure(tlsDir, List.of(httpHost))));
      }
    }
    DriftService monitor = driftMonitor
        ? new DriftService(cluster.kafka(), driftStateDir, driftOptions.toConfig(), cluster.topics()) : null;
    PairSuggestionService pairs = pairSuggestions ? new PairSuggestionService(cluster.kafka(), pairsStateDir,
        ArtifactStore.at(artifactDir), pairOptions.toConfig(featureOptions.toSpec()), cluster.topics()) : null;
    MetricsEndpoint metrics = metricsOptions.start();
    if (metrics != null) {
      if (scorer != null) {
        scorer.withMetrics(metrics.registry());
      }
      if (monitor != null) {
        monitor.withMetrics(metrics.registry());
      }
      if (pairs != null) {
        pairs.withMetrics(metrics.registry());
      }
    }
    StopSignals stop = StopSignals.install();
    try {
      if (scorer != null) {
        scorer.start();
      }
      if (monitor != null) {
        monitor.start();
      }
      if (pairs != null) {
        pairs.start();
      }
      List<String> running = new ArrayList<>();
      if (scorer != null) {
        running.add("scoring");
      }
      if (monitor != null) {
        running.add("drift monitor");
      }
      if (pairs != null) {
        running.add("pair suggestions");
      }
      spec.commandLine().getOut().printf("scorer: %s on %s, logs in %s%s; Ctrl-C stops%n", String.join(", ", running),
          cluster.bootstrapServers(), LogFile.current(), metrics == null ? "" : ", metrics on " + metrics.url());
      spec.commandLine().getOut().flush();
      stop.await();
    } finally {
      if (pairs != null) {
        pairs.close();
      }
      if (monitor != null) {
        monitor.close();
      }
      if (scorer != null) {
        scorer.close();
      }
      if (metrics != null) {
        metrics.close();
      }
    }
    return 0;
  }
}
