package dev.rewardstream.ops;

import dev.rewardstream.runtime.MetricsEndpoint;
import dev.rewardstream.trainer.TrainerConfig;
import dev.rewardstream.trainer.TrainerService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rewardctl trainer}: the trainer alone, against an existing cluster (docker-compose runs this). */
@Command(name = "trainer", mixinStandardHelpOptions = true, description = "Run the trainer service.")
final class TrainerCommand implements Callable<Integer> {

  @Mixin ClusterOptions cluster;
  @Mixin FeatureCliOptions features;
  @Mixin LearnerCliOptions learner;
  @Mixin MetricsOptions metricsOptions;
  @Option(names = "--artifact-dir", defaultValue = "rewardstream-data/artifacts", description = "Where versions are "
      + "written: the scorers' --artifact-dir, writable by the trainer alone (default: ${DEFAULT-VALUE}).")
  Path artifactDir;
  @Option(names = "--publish-interval-ms", defaultValue = "" + TrainerConfig.DEFAULT_PUBLISH_INTERVAL_MS,
      description = "Publish a validated version at most this often (default: ${DEFAULT-VALUE}).")
  long publishIntervalMs;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    TrainerService trainer = new TrainerService(
        TrainerConfig.defaults(cluster.kafka(), artifactDir)
            .withPublishInterval(Duration.ofMillis(publishIntervalMs)).withLearner(learner.toOptions())
            .withFeatureSpec(features.toSpec()),
        cluster.topics());
    MetricsEndpoint metrics = metricsOptions.start();
    if (metrics != null) {
      trainer.withMetrics(metrics.registry());
    }
    StopSignals stop = StopSignals.install();
    Thread stopper = new Thread(() -> {
      try {
        stop.await();
        trainer.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "trainer-stop");
    stopper.setDaemon(true);
    stopper.start();
    spec.commandLine().getOut().printf("trainer: learning from %s, artifacts in %s, logs in %s%s; Ctrl-C stops%n",
        cluster.bootstrapServers(), artifactDir.toAbsolutePath(), LogFile.current(),
        metrics == null ? "" : ", metrics on " + metrics.url());
    spec.commandLine().getOut().flush();
    try {
      trainer.run();
    } finally {
      trainer.release();
      if (metrics != null) {
        metrics.close();
      }
    }
    return 0;
  }
}
