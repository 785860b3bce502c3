package dev.rewardstream.jobs;

import dev.rewardstream.model.Featurizer;
import dev.rewardstream.schema.Preference;
import dev.rewardstream.schema.PreferenceSide;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Turns a preference into one feature request per referenced interaction (a single output, or each step of a
 * trajectory segment). Sides given inline are featurized here and go straight to assembly ({@link #INLINE_PARTS}).
 */
public final class SplitPreference extends ProcessFunction<PreferenceEnvelope, FeatureRequest> {

  public static final OutputTag<FeaturePart> INLINE_PARTS =
      new OutputTag<>("inline-parts", TypeInformation.of(FeaturePart.class));

  private final FeatureJobConfig config;
  private transient Featurizer featurizer;

  public SplitPreference(FeatureJobConfig config) {
    this.config = config;
  }

  @Override
  public void open(OpenContext openContext) {
    featurizer = new Featurizer(config.featureSpec());
  }

  @Override
  public void processElement(PreferenceEnvelope envelope, Context ctx, Collector<FeatureRequest> out) {
    Preference p = envelope.preference;
    long now = ctx.timerService().currentProcessingTime();
    split(p, FeaturePart.SIDE_A, p.getA(), now, ctx, out);
    split(p, FeaturePart.SIDE_B, p.getB(), now, ctx, out);
  }

  private void split(Preference p, int side, PreferenceSide spec, long now, Context ctx, Collector<FeatureRequest> out) {
    String id = p.getPreferenceId();
    if (spec.getResponse() != null) {
      ctx.output(INLINE_PARTS, new FeaturePart(id, side, 0, featurizer.featurizeText(spec.getPrompt(),
          spec.getResponse())));
      return;
    }
    List<String> steps = stepsOf(spec);
    for (int step = 0; step < steps.size(); step++) {
      out.collect(new FeatureRequest(id, steps.get(step), side, step, now));
    }
  }

  /** The interaction ids a side refers to, in step order. */
  static List<String> stepsOf(PreferenceSide side) {
    if (side.getResponse() != null) {
      return List.of();
    }
    return side.getSegment() != null ? side.getSegment() : List.of(side.getInteractionId());
  }

  /** How many feature parts a side contributes. */
  static int partsOf(PreferenceSide side) {
    return side.getResponse() != null ? 1 : stepsOf(side).size();
  }
}
