package dev.rewardstream.streams;

import dev.rewardstream.serde.KafkaConnection;
import dev.rewardstream.serde.SchemaRegistryUnavailableException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka Streams settings every application of the project runs with (scorer, drift monitor, pair suggestions;
 * the throughput benchmark gives its identity topology the same), and how each of them stops.
 */
public final class StreamsApplications {

  private static final Logger LOG = LoggerFactory.getLogger(StreamsApplications.class);
  /** How long a stream thread that met a registry outage waits before its replacement reads the record again. */
  static final Duration REGISTRY_RETRY_PAUSE = Duration.ofSeconds(2);

  private StreamsApplications() {}

  /**
   * An application of {@code topology} with {@code properties}, whose stream threads outlive a schema-registry outage:
   * a thread that cannot decode or encode a record because the registry does not answer (a writer schema this process
   * has not seen yet, a subject it has not registered) is replaced after a pause. Under exactly-once its open
   * transaction is aborted and the replacement reads again from the committed offsets, so nothing is dead-lettered for
   * the registry's sake, lost or written twice. Any other error stops the application, as Kafka Streams does by default.
   */
  public static KafkaStreams create(Topology topology, Properties properties) {
    KafkaStreams streams = new KafkaStreams(topology, properties);
    String applicationId = properties.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
    streams.setUncaughtExceptionHandler(error -> {
      if (!SchemaRegistryUnavailableException.isCauseOf(error)) {
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
      }
      LOG.warn("{}: a stream thread stopped because the schema registry does not answer ({}); it is replaced in {}",
          applicationId, error.getMessage(), REGISTRY_RETRY_PAUSE);
      try {
        Thread.sleep(REGISTRY_RETRY_PAUSE.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    return streams;
  }

  /** Exactly-once v2 with 200 ms commits, topics created with the broker's replication, inputs read from the start. */
  public static Properties properties(String applicationId, KafkaConnection kafka, Path stateDir,
      int streamThreads) {
    // The connection's security settings reach every client the application opens: Streams passes them on.
    Properties props = kafka.properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "200");
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "-1");
    props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
    // A restarted instance gets its partitions back within seconds instead of waiting out a 45 s session.
    props.put(StreamsConfig.consumerPrefix("session.timeout.ms"), "10000");
    props.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), "3000");
    // A stream thread waits a round trip for each fetch, and gets at most this much of each partition per fetch: at
    // Kafka's 1 MB a thread holding one partition scored 38,000 interactions/s where one holding two did 118,000; with
    // 4 MB 98,000, with 8 MB 120,000 (rewardctl bench --scenarios scale-out, 6 threads on 6 partitions; in process,
    // scorer-throughput went from 19,000 to 150,000). fetch.max.bytes (50 MB) still bounds a whole response.
    props.put(StreamsConfig.consumerPrefix("max.partition.fetch.bytes"), String.valueOf(8 << 20));
    return props;
  }

  /**
   * Kafka Streams' own metrics and its clients' (consumer lag included) under Micrometer's names, tagged with the
   * application; close the binder when the application stops.
   */
  public static KafkaStreamsMetrics bindMetrics(KafkaStreams streams, String applicationId, MeterRegistry registry) {
    KafkaStreamsMetrics metrics = new KafkaStreamsMetrics(streams, Tags.of("application", applicationId));
    metrics.bindTo(registry);
    return metrics;
  }

  /** Closes an application, leaving its group so the partitions are handed over at once (Streams keeps members). */
  public static void stop(KafkaStreams streams) {
    streams.close(new KafkaStreams.CloseOptions().timeout(Duration.ofSeconds(30)).leaveGroup(true));
  }
}
