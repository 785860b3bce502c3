package dev.rewardstream.jobs;

import dev.rewardstream.model.Featurizer;
import dev.rewardstream.schema.ExampleKind;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.LabelSource;
import dev.rewardstream.schema.SparseFeatures;
import dev.rewardstream.schema.TrainingExample;
import dev.rewardstream.schema.internal.FeaturizedInteraction;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Featurizes each valid interaction with the featurizer the scorer uses. Interactions that carry an environment reward
 * also become pointwise regression examples (side output {@link #POINTWISE}).
 */
public final class FeaturizeInteraction extends ProcessFunction<Interaction, FeaturizedInteraction> {

  public static final OutputTag<TrainingExample> POINTWISE =
      new OutputTag<>("pointwise-examples", TypeInformation.of(TrainingExample.class));

  private final FeatureJobConfig config;
  private transient Featurizer featurizer;
  private transient String fingerprint;

  public FeaturizeInteraction(FeatureJobConfig config) {
    this.config = config;
  }

  @Override
  public void open(OpenContext openContext) {
    featurizer = new Featurizer(config.featureSpec());
    fingerprint = config.featureSpec().fingerprint();
  }

  @Override
  public void processElement(Interaction interaction, Context ctx, Collector<FeaturizedInteraction> out) {
    SparseFeatures features = featurizer.featurize(interaction);
    out.collect(new FeaturizedInteraction(interaction.getInteractionId(), interaction.getEventTime(), features));
    if (interaction.getEnvReward() != null) {
      ctx.output(POINTWISE, TrainingExample.newBuilder()
          .setExampleId("pointwise/" + interaction.getInteractionId())
          .setKind(ExampleKind.POINTWISE)
          .setFeatureSpec(fingerprint)
          .setA(List.of(features))
          .setB(List.of())
          .setTarget(interaction.getEnvReward().floatValue())
          .setSource(LabelSource.SYNTHETIC)
          .setEventTime(interaction.getEventTime())
          .setProducedAt(Instant.now())
          .build());
    }
  }
}
