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
  @Option(names = "--http-host", defaultValue = "127.0.0.1",
      description = "Bind address of the scoring API (default: ${DEFAULT-VALUE}).") String httpHost;
  @Option(names = "--http-port", defaultValue = "8090",
      description = "Port of the scoring API; 0 picks a free one, -1 turns it off (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Override
  public Integer call() throws InterruptedException {
    ScorerService scorer = new ScorerService(cluster.bootstrapServers, stateDir, ScorerConfig.defaults(),
        cluster.topics());
    if (httpPort >= 0) {
      scorer.withHttp(httpHost, httpPort);
    }
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
