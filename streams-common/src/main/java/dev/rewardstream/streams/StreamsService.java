package dev.rewardstream.streams;

import java.nio.file.Path;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;

/** One Kafka Streams application with the project's settings ({@link StreamsApplications}): start, state, stop. */
public abstract class StreamsService implements AutoCloseable {

  private final KafkaStreams streams;

  protected StreamsService(Topology topology, String applicationId, String bootstrapServers, Path stateDir,
      int streamThreads) {
    this.streams = new KafkaStreams(topology,
        StreamsApplications.properties(applicationId, bootstrapServers, stateDir, streamThreads));
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
  }
}
