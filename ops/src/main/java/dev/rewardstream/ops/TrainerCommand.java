package dev.rewardstream.ops;

import dev.rewardstream.trainer.TrainerConfig;
import dev.rewardstream.trainer.TrainerService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rewardctl trainer}: the trainer alone, against an existing cluster (docker-compose runs this). */
@Command(name = "trainer", mixinStandardHelpOptions = true, description = "Run the trainer service.")
final class TrainerCommand implements Callable<Integer> {

  @Mixin ClusterOptions cluster;
  @Mixin LearnerCliOptions learner;
  @Option(names = "--artifact-dir", defaultValue = "rewardstream-data/artifacts") Path artifactDir;
  @Option(names = "--publish-interval-ms", defaultValue = "2000") long publishIntervalMs;

  @Override
  public Integer call() {
    TrainerService trainer = new TrainerService(
        TrainerConfig.defaults(cluster.bootstrapServers, artifactDir)
            .withPublishInterval(Duration.ofMillis(publishIntervalMs)).withLearner(learner.toOptions()),
        cluster.topics());
    CountDownLatch released = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      trainer.close();
      try {
        released.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }));
    try {
      trainer.run();
    } finally {
      trainer.release();
      released.countDown();
    }
    return 0;
  }
}
