package dev.rewardstream.jobs;

import dev.rewardstream.model.NumericNormalizer;
import dev.rewardstream.model.Welfords;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.NormalizationStats;
import dev.rewardstream.schema.internal.EnvironmentState;
import dev.rewardstream.schema.internal.Welford;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by environment: checks that state/action vectors have the environment's lengths (configured, or learned from
 * its first interaction), folds rewards and every numeric dimension into running statistics, and emits the interaction
 * standardized with them (rewards included) through the shared {@link NumericNormalizer}. Changed statistics are
 * published ({@link #STATS}) at most once per export interval, so the scorer and reports use the same scale.
 *
 * <p>Only interactions carrying numbers come here; text-only outputs bypass this operator, so one busy environment
 * does not funnel all text traffic through a single subtask.
 */
public final class NormalizePerEnvironment extends KeyedProcessFunction<String, InteractionEnvelope, Interaction> {

  public static final String STAGE = "stream-jobs/normalize-environment";
  public static final OutputTag<NormalizationStats> STATS =
      new OutputTag<>("normalization-stats", TypeInformation.of(NormalizationStats.class));

  private final FeatureJobConfig config;
  private transient ValueState<EnvironmentState> environment;
  private transient ValueState<Boolean> exportPending;

  public NormalizePerEnvironment(FeatureJobConfig config) {
    this.config = config;
  }

  @Override
  public void open(OpenContext openContext) {
    environment = getRuntimeContext().getState(
        new ValueStateDescriptor<>("environment", TypeInformation.of(EnvironmentState.class)));
    exportPending = getRuntimeContext().getState(new ValueStateDescriptor<>("export-pending", Types.BOOLEAN));
  }

  @Override
  public void processElement(InteractionEnvelope envelope, Context ctx, Collector<Interaction> out) throws Exception {
    Interaction interaction = envelope.interaction;
    String name = ctx.getCurrentKey();
    EnvironmentState state = environment.value();
    if (state == null) {
      EnvironmentSpec spec = config.environments().getOrDefault(name, new EnvironmentSpec(
          sizeOf(interaction.getState()), sizeOf(interaction.getAction())));
      state = new EnvironmentState(spec.stateDim(), spec.actionDim(), 0L, Welfords.empty(),
          accumulators(spec.stateDim()), accumulators(spec.actionDim()));
    }
    String mismatch = mismatch(name, state, interaction);
    if (mismatch != null) {
      ctx.output(DeadLetterOutput.TAG, envelope.origin.deadLetter(STAGE, "VectorLengthMismatch", mismatch));
      return;
    }
    state.setCount(state.getCount() + 1);
    fold(state.getState(), interaction.getState());
    fold(state.getAction(), interaction.getAction());
    if (interaction.getEnvReward() != null) {
      Welfords.add(state.getReward(), interaction.getEnvReward());
    }
    environment.update(state);
    NormalizationStats stats = statsOf(name, state, ctx.timerService().currentProcessingTime());
    out.collect(new NumericNormalizer(stats).normalize(interaction));
    if (exportPending.value() == null) {
      exportPending.update(true);
      ctx.timerService().registerProcessingTimeTimer(
          ctx.timerService().currentProcessingTime() + config.statsExportInterval().toMillis());
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Interaction> out) throws Exception {
    EnvironmentState state = environment.value();
    if (state != null) {
      ctx.output(STATS, statsOf(ctx.getCurrentKey(), state, timestamp));
    }
    exportPending.clear();
  }

  private static String mismatch(String name, EnvironmentState state, Interaction interaction) {
    int stateDim = sizeOf(interaction.getState());
    int actionDim = sizeOf(interaction.getAction());
    boolean stateOk = interaction.getState() == null || stateDim == state.getStateDim();
    boolean actionOk = interaction.getAction() == null || actionDim == state.getActionDim();
    if (stateOk && actionOk) {
      return null;
    }
    return "environment " + name + " expects state[" + state.getStateDim() + "] and action[" + state.getActionDim()
        + "], got state[" + stateDim + "] and action[" + actionDim + "]";
  }

  private static int sizeOf(List<Float> values) {
    return values == null ? 0 : values.size();
  }

  private static List<Welford> accumulators(int n) {
    List<Welford> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(Welfords.empty());
    }
    return list;
  }

  private static void fold(List<Welford> accumulators, List<Float> values) {
    if (values == null) {
      return;
    }
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i) != null) {
        Welfords.add(accumulators.get(i), values.get(i));
      }
    }
  }

  static NormalizationStats statsOf(String name, EnvironmentState state, long now) {
    return NormalizationStats.newBuilder()
        .setEnvironment(name)
        .setCount(state.getCount())
        .setRewardCount(state.getReward().getN())
        .setRewardMean(state.getReward().getMean())
        .setRewardStd(Welfords.std(state.getReward()))
        .setStateMean(state.getState().stream().map(Welford::getMean).toList())
        .setStateStd(state.getState().stream().map(Welfords::std).toList())
        .setActionMean(state.getAction().stream().map(Welford::getMean).toList())
        .setActionStd(state.getAction().stream().map(Welfords::std).toList())
        .setUpdatedAt(Instant.ofEpochMilli(now))
        .build();
  }
}
