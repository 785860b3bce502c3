package dev.rewardstream.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;

/**
 * One process's Prometheus scrape endpoint ({@code GET /metrics}): the services' meters, registered into
 * {@link #registry()}, and the JVM's. The HTTP server is Prometheus's own exporter, serving the registry Micrometer
 * keeps in Prometheus's model, so the exposition format (text or protobuf, by content negotiation) is theirs.
 */
public final class MetricsEndpoint implements AutoCloseable {

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gcMetrics;
  private final HTTPServer server;
  private final String host;

  private MetricsEndpoint(PrometheusMeterRegistry registry, JvmGcMetrics gcMetrics, HTTPServer server, String host) {
    this.registry = registry;
    this.gcMetrics = gcMetrics;
    this.server = server;
    this.host = host;
  }

  /**
   * Serves on {@code host:port} (0 picks a free port).
   *
   * @throws StartupException naming the address and {@code --metrics-port} when the port cannot be bound
   */
  public static MetricsEndpoint start(String host, int port) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    try {
      HTTPServer server = HTTPServer.builder().hostname(host).port(port)
          .registry(registry.getPrometheusRegistry()).buildAndStart();
      return new MetricsEndpoint(registry, gc, server, host);
    } catch (IOException e) {
      gc.close();
      registry.close();
      throw new StartupException("cannot serve metrics on " + host + ":" + port + " (" + e.getMessage()
          + "): another process holds the port; choose another with --metrics-port", e);
    }
  }

  /** Where the services register their meters. */
  public MeterRegistry registry() {
    return registry;
  }

  public int port() {
    return server.getPort();
  }

  /** The scrape URL. */
  public String url() {
    return "http://" + host + ":" + port() + "/metrics";
  }

  @Override
  public void close() {
    server.close();
    gcMetrics.close();
    registry.close();
  }
}
