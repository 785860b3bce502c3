package dev.rewardstream.jobs;

import dev.rewardstream.schema.internal.FeaturizedInteraction;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Join, first half, keyed by interaction id: keeps each featurized interaction (with a TTL) and answers the feature
 * requests of preferences that name it. A request that arrives before its interaction waits; after the unmatched
 * timeout it is dropped here and the assembling operator dead-letters the whole preference, naming what was missing.
 */
public final class ServeFeatures
    extends KeyedCoProcessFunction<String, FeaturizedInteraction, FeatureRequest, FeaturePart> {

  private final FeatureJobConfig config;
  private transient ValueState<FeaturizedInteraction> interaction;
  private transient ListState<FeatureRequest> waiting;

  public ServeFeatures(FeatureJobConfig config) {
    this.config = config;
  }

  @Override
  public void open(OpenContext openContext) {
    ValueStateDescriptor<FeaturizedInteraction> interactionDescriptor =
        new ValueStateDescriptor<>("interaction", TypeInformation.of(FeaturizedInteraction.class));
    // Preferences may be labelled long after the output; the TTL bounds state for outputs nobody labels.
    interactionDescriptor.enableTimeToLive(StateTtlConfig.newBuilder(config.interactionRetention())
        .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
        .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
        .build());
    interaction = getRuntimeContext().getState(interactionDescriptor);
    waiting = getRuntimeContext().getListState(
        new ListStateDescriptor<>("waiting-requests", TypeInformation.of(FeatureRequest.class)));
  }

  @Override
  public void processElement1(FeaturizedInteraction value, Context ctx, Collector<FeaturePart> out) throws Exception {
    interaction.update(value);
    Iterable<FeatureRequest> pending = waiting.get();
    if (pending != null) {
      for (FeatureRequest request : pending) {
        FeaturePart.of(request, value).forEach(out::collect);
      }
    }
    waiting.clear();
  }

  @Override
  public void processElement2(FeatureRequest request, Context ctx, Collector<FeaturePart> out) throws Exception {
    FeaturizedInteraction known = interaction.value();
    if (known != null) {
      FeaturePart.of(request, known).forEach(out::collect);
      return;
    }
    waiting.add(request);
    ctx.timerService().registerProcessingTimeTimer(request.requestedAt + config.unmatchedTimeout().toMillis());
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<FeaturePart> out) throws Exception {
    List<FeatureRequest> stillWaiting = new ArrayList<>();
    for (FeatureRequest request : waiting.get()) {
      if (request.requestedAt + config.unmatchedTimeout().toMillis() > timestamp) {
        stillWaiting.add(request);
      }
    }
    waiting.update(stillWaiting);
  }
}
