package dev.rewardstream.testing;

import dev.rewardstream.platform.FreePorts;
import dev.rewardstream.platform.SchemaRegistryServer;
import java.io.IOException;

/**
 * A schema registry on a broker that a test stops and starts again on the same port, as an outage looks to the
 * clients: connections refused, then the same URL answering with the schemas it kept in its topic.
 */
public final class RestartableRegistry implements AutoCloseable {

  private final String bootstrapServers;
  private final int port;
  private SchemaRegistryServer running;

  private RestartableRegistry(String bootstrapServers, int port) {
    this.bootstrapServers = bootstrapServers;
    this.port = port;
  }

  /** Starts a registry on a free port of 127.0.0.1, its schemas in the broker at {@code bootstrapServers}. */
  public static RestartableRegistry start(String bootstrapServers) throws IOException {
    RestartableRegistry registry = new RestartableRegistry(bootstrapServers, FreePorts.next());
    registry.restart();
    return registry;
  }

  /** Its URL, the same across restarts. */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** The outage begins: the port stops answering. */
  public void stop() {
    if (running != null) {
      running.close();
      running = null;
    }
  }

  /** The outage ends: the same port answers again, with the schemas kept in the topic. */
  public void restart() throws IOException {
    stop();
    running = SchemaRegistryServer.start(bootstrapServers, SchemaRegistryServer.DEFAULT_TOPIC, "127.0.0.1", port);
  }

  @Override
  public void close() {
    stop();
  }
}
