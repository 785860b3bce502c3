package dev.rewardstream.ops;

import dev.rewardstream.runtime.MetricsEndpoint;
import dev.rewardstream.runtime.PlatformConfig;
import picocli.CommandLine.Option;

/** The Prometheus endpoint of a single-service command ({@code trainer}, {@code scorer}). */
final class MetricsOptions {

  @Option(names = "--metrics-host", defaultValue = PlatformConfig.DEFAULT_HOST,
      description = "Bind address of the Prometheus endpoint (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--metrics-port", defaultValue = "" + PlatformConfig.DEFAULT_METRICS_PORT,
      description = "Port of the Prometheus endpoint (/metrics); 0 picks a free one, -1 turns it off "
          + "(default: ${DEFAULT-VALUE}).")
  int port;

  /** The endpoint, or null when turned off. */
  MetricsEndpoint start() {
    return port < 0 ? null : MetricsEndpoint.start(host, port);
  }
}
