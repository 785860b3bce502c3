package dev.rewardstream.streams;

import dev.rewardstream.serde.KafkaConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.nio.file.Path;
import java.util.function.Function;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;

/**
 * One Kafka Streams application with the project's settings ({@link StreamsApplications}): start, state, metrics,
 * stop. The topology records its own metrics into a registry that forwards to whatever {@link #withMetrics} adds,
 * so a service built before its process's registry exists still reports there.
 */
public abstract class StreamsService implements AutoCloseable {

  private final KafkaStreams streams;
  private final String applicationId;
  private final CompositeMeterRegistry meters = new CompositeMeterRegistry();
  private KafkaStreamsMetrics streamsMetrics;

  protected StreamsService(Function<MeterRegistry, Topology> topology, String applicationId, KafkaConnection kafka,
      Path stateDir, int streamThreads) {
    this.applicationId = applicationId;
    this.streams = StreamsApplications.create(topology.apply(meters),
        StreamsApplications.properties(applicationId, kafka, stateDir, streamThreads));
  }

  /** Reports the topology's metrics and the application's Kafka Streams and client metrics (lag included). */
  public StreamsService withMetrics(MeterRegistry registry) {
    meters.add(registry);
    streamsMetrics = StreamsApplications.bindMetrics(streams, applicationId, registry);
    return this;
  }

  public void start() {
    streams.start();
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  @Override
  public void close() {
    StreamsApplications.stop(streams);
    if (streamsMetrics != null) {
      streamsMetrics.close();
    }
  }
}
