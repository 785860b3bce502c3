package dev.rewardstream.scorer.pairs;

import dev.rewardstream.model.ArtifactStore;
import dev.rewardstream.scorer.ModelHolder;
import dev.rewardstream.serde.KafkaConnection;
import dev.rewardstream.serde.Topics;
import dev.rewardstream.streams.StreamsService;
import java.nio.file.Path;

/**
 * Runs {@link PairSuggestionTopology} as an application of its own beside the scorer: a third reader of
 * {@code interactions}, with its own repartition by prompt, kept off the scorer's path (a repartition there would cost
 * every scored record a second write).
 */
public final class PairSuggestionService extends StreamsService {

  /** After the topic prefix. */
  public static final String APPLICATION_ID = "rewardstream-pairs";
  private static final int STREAM_THREADS = 1;

  private final ModelHolder models;

  /** @param artifacts where the trainer publishes versions: the only place they are read from */
  public PairSuggestionService(KafkaConnection kafka, Path stateDir, ArtifactStore artifacts,
      PairSuggestionConfig config, Topics topics) {
    this(new ModelHolder(config.modelName(), config.featureSpec(), artifacts), kafka, stateDir, config,
        topics);
  }

  private PairSuggestionService(ModelHolder models, KafkaConnection kafka, Path stateDir,
      PairSuggestionConfig config, Topics topics) {
    super(meters -> PairSuggestionTopology.build(config, topics, models), topics.config().topicPrefix() + APPLICATION_ID,
        kafka, stateDir, STREAM_THREADS);
    this.models = models;
  }

  @Override
  public void close() {
    super.close();
    models.close();
  }
}
