package dev.rewardstream.drift;

import dev.rewardstream.serde.KafkaConnection;
import dev.rewardstream.serde.Topics;
import dev.rewardstream.streams.StreamsService;
import java.nio.file.Path;

/**
 * Runs the drift monitor ({@link DriftTopology}): an application of its own, with its own consumer group on the
 * scores topic, its own state and exactly-once transactions. Instances with the same application id share the scopes.
 */
public final class DriftService extends StreamsService {

  /** After the topic prefix; also the consumer group whose lag on the scores topic shows how far the monitor trails. */
  public static final String APPLICATION_ID = "rewardstream-drift";
  /**
   * One stream thread: every detector of a scope runs in one task, so a second thread would help only with several
   * busy scopes; and on a machine shared with the scorer, the monitor never takes more than one core from it.
   */
  public static final int STREAM_THREADS = 1;

  public DriftService(KafkaConnection kafka, Path stateDir, DriftConfig config, Topics topics) {
    super(meters -> DriftTopology.build(config, topics, meters), topics.config().topicPrefix() + APPLICATION_ID, kafka,
        stateDir, STREAM_THREADS);
  }
}
