package dev.rewardstream.scorer.drift;

import dev.rewardstream.scorer.ScorerService;
import dev.rewardstream.serde.Topics;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Runs the drift monitor ({@link DriftTopology}): an application of its own, with its own consumer group on the
 * scores topic, its own state and exactly-once transactions. Instances with the same application id share the scopes.
 */
public final class DriftService implements AutoCloseable {

  /** After the topic prefix; also the consumer group whose lag on the scores topic shows how far the monitor trails. */
  public static final String APPLICATION_ID = "rewardstream-drift";
  /**
   * One stream thread: every detector of a scope runs in one task, so a second thread would help only with several
   * busy scopes; and on a machine shared with the scorer, the monitor never takes more than one core from it.
   */
  public static final int STREAM_THREADS = 1;

  private final KafkaStreams streams;

  public DriftService(String bootstrapServers, Path stateDir, DriftConfig config, Topics topics) {
    Properties props = ScorerService.streamsProperties(topics.config().topicPrefix() + APPLICATION_ID,
        bootstrapServers, stateDir, STREAM_THREADS);
    this.streams = new KafkaStreams(DriftTopology.build(config, topics), props);
  }

  public void start() {
    streams.start();
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  @Override
  public void close() {
    ScorerService.stop(streams);
  }
}
