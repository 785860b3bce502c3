package dev.rewardstream.ops;

import dev.rewardstream.dashboard.DashboardService;
import dev.rewardstream.runtime.MetricsEndpoint;
import dev.rewardstream.runtime.PlatformConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rewardctl dashboard}: the live validation dashboard against an existing cluster. */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
    description = "Serve the live validation dashboard for a running cluster (it reads the topics).")
final class DashboardCommand implements Callable<Integer> {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin ClusterOptions cluster;
  @Mixin MetricsOptions metricsOptions;

  @Option(names = "--host", defaultValue = PlatformConfig.DEFAULT_HOST,
      description = "Bind address (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "" + DashboardService.DEFAULT_PORT,
      description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Override
  public Integer call() throws InterruptedException {
    StopSignals stop = StopSignals.install();
    MetricsEndpoint metrics = metricsOptions.start();
    try (DashboardService dashboard = DashboardService.start(cluster.kafka(), cluster.topics(), host, port)) {
      spec.commandLine().getOut().printf("dashboard: %s, following %s; logs in %s%s; Ctrl-C stops%n", dashboard.url(),
          cluster.bootstrapServers(), LogFile.current(), metrics == null ? "" : ", metrics on " + metrics.url());
      spec.commandLine().getOut().flush();
      stop.await();
    } finally {
      if (metrics != null) {
        metrics.close();
      }
    }
    return 0;
  }
}
