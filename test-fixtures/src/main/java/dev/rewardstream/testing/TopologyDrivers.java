package dev.rewardstream.testing;

import dev.rewardstream.serde.TopicSpec;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * A {@link TopologyTestDriver} for a topology builder's output, with its state under the test's directory, and the
 * system's topics on it.
 */
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

  /** A topic's input, keyed by strings and carrying its Avro values, as the system's producers write it. */
  public static <V extends SpecificRecord> TestInputTopic<String, V> input(TopologyTestDriver driver,
      TopicSpec<V> topic) {
    return driver.createInputTopic(topic.name(), Serdes.String().serializer(), topic.valueSerde().serializer());
  }

  /** A topic's output, read as the system's consumers read it. */
  public static <V extends SpecificRecord> TestOutputTopic<String, V> output(TopologyTestDriver driver,
      TopicSpec<V> topic) {
    return driver.createOutputTopic(topic.name(), Serdes.String().deserializer(), topic.valueSerde().deserializer());
  }
}
