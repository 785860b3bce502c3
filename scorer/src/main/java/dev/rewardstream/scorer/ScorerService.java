package dev.rewardstream.scorer;

import dev.rewardstream.model.ArtifactStore;
import dev.rewardstream.schema.RecordRejectedException;
import dev.rewardstream.security.ApiSecurity;
import dev.rewardstream.serde.KafkaConnection;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.serde.Topics;
import dev.rewardstream.streams.StreamsApplications;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Runs the scorer topology. Instances with the same application id share the interactions' partitions, so scoring
 * scales by adding instances. Exactly-once (v2): a score and the input offset it answers commit together. The drift
 * monitor that watches the scores is an application of its own ({@code dev.rewardstream.drift.DriftService}).
 *
 * <p>Scoring begins only once a verified model version is live: until then the application does not consume
 * {@code interactions} at all, so interactions that arrive before the first version wait in their partitions and each
 * gets its score when it is read, however many there are. (Consuming them earlier would leave them to the rescoring
 * window, which keeps only the latest {@code retainedOutputs} per partition.) {@link #status()} and the API's
 * {@code /health} say "waiting for the first model version" meanwhile.
 *
 * <p>With {@link #withHttp}, the synchronous scoring API ({@link ScoringHttpServer}) starts and stops with it and
 * scores with the same live version.
 */
public final class ScorerService implements AutoCloseable {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ScorerService.class);

  private final KafkaStreams streams;
  private final ModelHolder models;
  /** The environments' latest normalization statistics: the topology keeps it current, the API reads it. */
  private final NormalizationTable normalization = new NormalizationTable();
  private final ScorerConfig config;
  private final KafkaConnection kafka;
  private final Topics topics;
  private volatile boolean closed;
  private volatile String failure;
  private Thread firstVersionWatch;
  private String httpHost;
  private int httpPort = -1;
  private ApiSecurity httpSecurity;
  private ScoringHttpServer http;
  private final CompositeMeterRegistry meters = new CompositeMeterRegistry();
  private KafkaStreamsMetrics streamsMetrics;
  private final String applicationId;

  /** Application id (and consumer group) of the scorer, after the topic prefix. */
  public static final String APPLICATION_ID = "rewardstream-scorer";

  /**
   * @param stateDir the application's local state
   * @param artifacts where the trainer publishes versions: the only place this scorer reads one from
   */
  public ScorerService(KafkaConnection kafka, Path stateDir, ArtifactStore artifacts, ScorerConfig config,
      Topics topics) {
    this(topics.config().topicPrefix() + APPLICATION_ID, kafka, stateDir, artifacts, config, topics);
  }

  /** Under another application id: a second, independent scorer of the same topics (the benchmark's warm-up pass). */
  public ScorerService(String applicationId, KafkaConnection kafka, Path stateDir, ArtifactStore artifacts,
      ScorerConfig config, Topics topics) {
    this.models = new ModelHolder(config.modelName(), config.featureSpec(), artifacts, meters);
    this.applicationId = applicationId;
    this.config = config;
    this.kafka = kafka;
    this.topics = topics;
    Properties props = StreamsApplications.properties(applicationId, kafka, stateDir, streamThreads(topics));
    this.streams = StreamsApplications.create(ScorerTopology.build(config, topics, models, normalization,
        SourcePartitionReader.kafka(kafka, applicationId), meters), props);
  }

  /**
   * Reports to {@code registry}: records scored and rescored, the live version, swaps and freshness, the scoring
   * API's requests, and the application's Kafka Streams and client metrics (lag included).
   */
  public ScorerService withMetrics(MeterRegistry registry) {
    meters.add(registry);
    streamsMetrics = StreamsApplications.bindMetrics(streams, applicationId, registry);
    return this;
  }

  /**
   * Stream threads of a scorer instance: featurizing and scoring are CPU work, so at least one per core; and at least
   * one per interactions partition, since a partition is a task and tasks do not split: with three partitions on two
   * threads, one thread carries two tasks while the other idles once its one task is drained (docs/design-notes.md).
   * Threads without a task cost only memory.
   */
  public static int streamThreads(Topics topics) {
    return Math.max(Runtime.getRuntime().availableProcessors(), topics.interactions.partitions());
  }

  /** Serve the scoring API on {@code host:port} (0 picks a free port) once started. */
  public ScorerService withHttp(String host, int port) {
    this.httpHost = host;
    this.httpPort = port;
    return this;
  }

  /** Serve the scoring API over HTTPS with a bearer token. */
  public ScorerService withHttpSecurity(ApiSecurity security) {
    this.httpSecurity = security;
    return this;
  }

  public void start() {
    // The API first: a port already taken fails the start before any stream thread runs.
    if (httpHost != null) {
      try {
        http = ScoringHttpServer.start(httpHost, httpPort, models, normalization, config, streams::state,
            Math.max(2, Runtime.getRuntime().availableProcessors()), meters, httpSecurity);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the scoring API on " + httpHost + ":" + httpPort, e);
      }
    }
    if (models.live().isPresent()) {
      streams.start();
      return;
    }
    firstVersionWatch = new Thread(this::startOnFirstVersion, "scorer-first-version");
    firstVersionWatch.setDaemon(true);
    firstVersionWatch.start();
  }

  /**
   * Follows {@code model-updates} (committed records) until the holder has verified and loaded a version, then starts
   * the Streams application. The global store replays the same updates once it runs; versions already live are not
   * loaded twice.
   */
  private void startOnFirstVersion() {
    try (KafkaConsumer<byte[], byte[]> consumer = TopicIO.consumer(kafka, null)) {
      List<TopicPartition> partitions = TopicIO.partitions(consumer, topics.modelUpdates.name());
      // A cluster whose topics are not created yet ('rewardctl topics'): wait for them like for the version.
      while (partitions.isEmpty() && !closed) {
        Thread.sleep(1_000);
        partitions = TopicIO.partitions(consumer, topics.modelUpdates.name());
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (!closed && models.live().isEmpty()) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          try {
            models.offer(topics.modelUpdates.decode(record.value()));
          } catch (RecordRejectedException e) {
            // Reported as a refusal by the application's own model-updates store once it runs.
            LOG.warn("unreadable model update at offset {}: {}", record.offset(), e.getMessage());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (RuntimeException e) {
      if (!closed) {
        LOG.error("waiting for the first model version failed; the scorer does not start", e);
        failure = e.toString();
      }
      return;
    }
    synchronized (this) {
      if (!closed) {
        LOG.info("{} v{} is live: scoring starts", models.modelName(), models.live().get().version());
        streams.start();
      }
    }
  }

  /**
   * The Streams application's state, or "waiting for the first model version" before it starts, or why it could not.
   */
  public String status() {
    if (failure != null) {
      return "FAILED (" + failure + ")";
    }
    if (models.live().isEmpty()) {
      return "waiting for the first model version";
    }
    return streams.state().toString();
  }

  /** The scoring API's bound port, or -1 when it is not serving. */
  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  /** The scoring API's base URL, or null when it is not serving. */
  public String httpUrl() {
    return http == null ? null : http.url();
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  public ModelHolder models() {
    return models;
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    if (firstVersionWatch != null) {
      try {
        firstVersionWatch.join(Duration.ofSeconds(5).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (http != null) {
      http.close();
    }
    StreamsApplications.stop(streams);
    if (streamsMetrics != null) {
      streamsMetrics.close();
    }
    models.close();
  }
}
