package dev.rewardstream.jobs;

import dev.rewardstream.model.FeatureVector;
import dev.rewardstream.model.Featurizer;
import dev.rewardstream.model.ResponseSteps;
import java.util.List;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.SparseFeatures;
import dev.rewardstream.schema.TrainingExample;
import dev.rewardstream.schema.internal.FeaturizedInteraction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Featurizes each valid (and, when numeric, normalized) interaction with the featurizer the scorer uses. Steps of an
 * episode go on to reward attribution ({@link #EPISODE_STEPS}); a reward on an interaction outside any episode is a
 * pointwise example at once ({@link #POINTWISE}), as is each rating of an attribute of the output and each rated step
 * of a response made of steps (the spec's step separator), whose features are kept per step for the join.
 */
public final class FeaturizeInteraction extends ProcessFunction<Interaction, FeaturizedInteraction> {

  public static final OutputTag<TrainingExample> POINTWISE =
      new OutputTag<>("pointwise-examples", TypeInformation.of(TrainingExample.class));
  public static final OutputTag<EpisodeStep> EPISODE_STEPS =
      new OutputTag<>("episode-steps", TypeInformation.of(EpisodeStep.class));

  private final FeatureJobConfig config;
  private transient Featurizer featurizer;
  private transient String fingerprint;
  private transient ResponseSteps steps;

  public FeaturizeInteraction(FeatureJobConfig config) {
    this.config = config;
  }

  @Override
  public void open(OpenContext openContext) {
    featurizer = new Featurizer(config.featureSpec());
    fingerprint = config.featureSpec().fingerprint();
    steps = config.featureSpec().steps();
  }

  @Override
  public void processElement(Interaction interaction, Context ctx, Collector<FeaturizedInteraction> out) {
    List<FeatureVector> vectors = steps.enabled() ? featurizer.featurizeSteps(interaction, steps) : List.of();
    List<SparseFeatures> responseSteps = vectors.size() > 1
        ? vectors.stream().map(FeatureVector::toAvro).toList() : List.of();
    // A response of one step is its own whole: featurized once.
    SparseFeatures features = vectors.size() == 1 ? vectors.get(0).toAvro() : featurizer.featurize(interaction);
    out.collect(new FeaturizedInteraction(interaction.getInteractionId(), interaction.getEventTime(), features,
        interaction.getPolicyVersion(), interaction.getAgentId(), responseSteps));
    List<Float> ratings = interaction.getStepRatings();
    for (int k = 0; ratings != null && k < ratings.size(); k++) {
      if (ratings.get(k) != null) {
        ctx.output(POINTWISE, PointwiseExamples.step(fingerprint, interaction.getInteractionId(), k,
            responseSteps.isEmpty() ? features : responseSteps.get(k), ratings.get(k), interaction.getEventTime()));
      }
    }
    if (interaction.getEpisodeId() != null) {
      ctx.output(EPISODE_STEPS, new EpisodeStep(interaction.getEpisodeId(), interaction.getInteractionId(), features,
          interaction.getEnvReward(), interaction.getDone(), interaction.getEventTime().toEpochMilli()));
    } else if (interaction.getEnvReward() != null) {
      ctx.output(POINTWISE, PointwiseExamples.of(fingerprint, interaction.getInteractionId(), features,
          interaction.getEnvReward(), interaction.getEventTime()));
    }
    // Sorted, so the examples of one interaction come out in the same order on every run.
    for (String attribute : new java.util.TreeSet<>(interaction.getRatings().keySet())) {
      ctx.output(POINTWISE, PointwiseExamples.rating(fingerprint, interaction.getInteractionId(), attribute, features,
          interaction.getRatings().get(attribute), interaction.getEventTime()));
    }
  }
}
