package dev.rewardstream.jobs;

import dev.rewardstream.schema.SparseFeatures;
import dev.rewardstream.schema.TrainingExample;
import dev.rewardstream.schema.internal.EpisodeSteps;
import dev.rewardstream.schema.internal.PendingStep;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by episode: turns environment rewards into pointwise examples. A step with its own reward is an example at
 * once (dense rewards). Steps without one wait for the episode's last step; its reward is then attributed as
 * {@link RewardAttribution} says. An episode that ends without a reward, or never ends within the retention, leaves
 * no pointwise example (its steps are still featurized and joinable) and its state is cleared.
 */
public final class AttributeEpisodeRewards extends KeyedProcessFunction<String, EpisodeStep, TrainingExample> {

  private final FeatureJobConfig config;
  private transient ValueState<EpisodeSteps> waiting;
  private transient String fingerprint;

  public AttributeEpisodeRewards(FeatureJobConfig config) {
    this.config = config;
  }

  @Override
  public void open(OpenContext openContext) {
    waiting = getRuntimeContext().getState(
        new ValueStateDescriptor<>("steps-waiting-for-reward", TypeInformation.of(EpisodeSteps.class)));
    fingerprint = config.featureSpec().fingerprint();
  }

  @Override
  public void processElement(EpisodeStep step, Context ctx, Collector<TrainingExample> out) throws Exception {
    EpisodeSteps pending = waiting.value();
    if (step.reward != null && !step.done) {
      out.collect(example(step.interactionId, step.features, step.reward, step.eventTimeMs));
      return;
    }
    if (!step.done) {
      if (pending == null) {
        pending = new EpisodeSteps(new ArrayList<>());
        ctx.timerService().registerProcessingTimeTimer(
            ctx.timerService().currentProcessingTime() + config.interactionRetention().toMillis());
      }
      pending.getSteps().add(new PendingStep(step.interactionId, step.features, Instant.ofEpochMilli(step.eventTimeMs)));
      waiting.update(pending);
      return;
    }
    if (step.reward != null) {
      List<PendingStep> earlier = pending == null || config.attribution() == RewardAttribution.TERMINAL_STEP
          ? List.of() : pending.getSteps();
      double share = step.reward / (earlier.size() + 1);
      for (PendingStep s : earlier) {
        out.collect(example(s.getInteractionId(), s.getFeatures(), share, s.getEventTime().toEpochMilli()));
      }
      out.collect(example(step.interactionId, step.features, share, step.eventTimeMs));
    }
    waiting.clear();
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<TrainingExample> out) {
    waiting.clear();
  }

  private TrainingExample example(String interactionId, SparseFeatures features, double target, long eventTimeMs) {
    return PointwiseExamples.of(fingerprint, interactionId, features, target, Instant.ofEpochMilli(eventTimeMs));
  }
}
