package dev.rewardstream.testing;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

/** A {@link TopologyTestDriver} for a topology builder's output, with its state under the test's directory. */
public final class TopologyDrivers {

  private TopologyDrivers() {}

  /**
   * @param stateDir where the driver keeps its stores (a test's temporary directory; in memory with
   *     {@link RamTempDirFactory})
   * @param start the driver's initial wall-clock time
   */
  public static TopologyTestDriver of(Topology topology, String applicationId, Path stateDir, Instant start) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    // Never contacted: the driver runs the topology in this thread without a broker.
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    return new TopologyTestDriver(topology, props, start);
  }
}
