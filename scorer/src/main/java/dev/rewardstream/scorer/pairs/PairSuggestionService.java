package dev.rewardstream.scorer.pairs;

import dev.rewardstream.scorer.ModelHolder;
import dev.rewardstream.scorer.ScorerService;
import dev.rewardstream.serde.Topics;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Runs {@link PairSuggestionTopology} as an application of its own beside the scorer: a third reader of
 * {@code interactions}, with its own repartition by prompt, kept off the scorer's path (a repartition there would cost
 * every scored record a second write).
 */
public final class PairSuggestionService implements AutoCloseable {

  /** After the topic prefix. */
  public static final String APPLICATION_ID = "rewardstream-pairs";
  private static final int STREAM_THREADS = 1;

  private final KafkaStreams streams;
  private final ModelHolder models;

  public PairSuggestionService(String bootstrapServers, Path stateDir, PairSuggestionConfig config, Topics topics) {
    this.models = new ModelHolder(config.modelName(), config.featureSpec());
    Properties props = ScorerService.streamsProperties(topics.config().topicPrefix() + APPLICATION_ID,
        bootstrapServers, stateDir, STREAM_THREADS);
    this.streams = new KafkaStreams(PairSuggestionTopology.build(config, topics, models), props);
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
    models.close();
  }
}
