package dev.rewardstream.ops;

import dev.rewardstream.runtime.EmbeddedPlatform;
import dev.rewardstream.runtime.PlatformSecurity;
import dev.rewardstream.scorer.ScoringHttpServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code rewardctl up}: the whole system in this process until Ctrl-C. */
@Command(name = "up", mixinStandardHelpOptions = true,
    description = "Start Kafka (KRaft), the schema registry, the Flink feature job, the trainer and the scorer.")
final class UpCommand implements Callable<Integer> {

  @Mixin PlatformOptions options;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    StopSignals stop = StopSignals.install();
    try (EmbeddedPlatform platform = EmbeddedPlatform.start(options.toConfig())) {
      printEndpoints(out, platform);
      stop.await();
      out.println("stopping...");
      out.flush();
    }
    out.println("stopped");
    out.flush();
    return 0;
  }

  static void printEndpoints(PrintWriter out, EmbeddedPlatform platform) {
    var infra = platform.infrastructure();
    out.printf("rewardstream is up in %.1f s (data in %s)%n", platform.startupTime().toMillis() / 1000.0,
        platform.config().dataDir().toAbsolutePath());
    out.printf("  kafka            %s%n", infra.bootstrapServers());
    out.printf("  schema registry  %s%n", infra.registryUrl());
    out.printf("  scoring API      %s  (%s)%n", platform.scorerHttpUrl(), ScoringHttpServer.ENDPOINT_SUMMARY);
    out.printf("  feature job      %s%s%n", platform.featureJobStatus(),
        platform.restoredCheckpoint().map(p -> " (restored from " + p.getFileName() + ")").orElse(""));
    out.printf("  scorer           %s; drift monitor %s; pair suggestions %s%n", platform.scorerStatus(),
        platform.driftMonitorState(), platform.pairSuggestionsState());
    platform.dashboardUrl().ifPresent(url -> out.printf("  dashboard        %s%n", url));
    platform.metricsUrl().ifPresent(url -> out.printf("  metrics          %s  (Prometheus: trainer, scorer, drift "
        + "monitor, pair suggestions, JVM)%n", url));
    platform.flinkMetricsUrl().ifPresent(url -> out.printf("  metrics (Flink)  %s  (the feature job, Flink's reporter)%n",
        url));
    out.printf("  logs             %s%n", LogFile.current());
    out.printf("  topics           %s%n", String.join(", ", infra.topics().all().stream().map(t -> t.name()).toList()));
    if (infra.secured()) {
      Path security = platform.config().securityDir().toAbsolutePath();
      out.printf("  secured          Kafka SASL_SSL (SCRAM-SHA-512) with ACLs, registry HTTPS + basic auth, scoring API "
          + "and dashboard HTTPS + bearer token; CA: %s%n", security.resolve("ca.p12"));
      out.printf("  client files     %s  (one per principal: --kafka-config FILE; Kafka and registry settings)%n",
          security.resolve("client-PRINCIPAL.properties"));
      out.printf("                   principals: %s%n", String.join(", ", PlatformSecurity.PRINCIPALS.stream()
          .filter(p -> !p.equals(PlatformSecurity.REGISTRY)).toList()));
      out.printf("  API token        %s  (Authorization: Bearer; the dashboard once as ?token=)%n",
          security.resolve("api-token"));
    }
    out.println("Ctrl-C stops everything; the next 'up' on the same --data-dir resumes.");
    out.flush();
  }
}
