package dev.rewardstream.ops;

import dev.rewardstream.scorer.ScorerConfig;
import dev.rewardstream.scorer.ScorerService;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rewardctl scorer}: the scorer alone, against an existing cluster (docker-compose runs this). */
@Command(name = "scorer", mixinStandardHelpOptions = true, description = "Run the scorer (Kafka Streams).")
final class ScorerCommand implements Callable<Integer> {

  @Mixin ClusterOptions cluster;
  @Option(names = "--state-dir", defaultValue = "rewardstream-data/scorer-state") Path stateDir;

  @Override
  public Integer call() throws InterruptedException {
    ScorerService scorer = new ScorerService(cluster.bootstrapServers, stateDir, ScorerConfig.defaults(),
        cluster.topics());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      scorer.close();
      stopped.countDown();
    }));
    scorer.start();
    stopped.await();
    return 0;
  }
}
