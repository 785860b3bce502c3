package dev.rewardstream.jobs;

import dev.rewardstream.schema.ExampleKind;
import dev.rewardstream.schema.ExampleOrigin;
import dev.rewardstream.schema.Preference;
import dev.rewardstream.schema.PreferenceSide;
import dev.rewardstream.schema.SparseFeatures;
import dev.rewardstream.schema.TrainingExample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Join, second half, keyed by preference id: collects the features of every step of both sides and emits one pairwise
 * training example. Target is P(a preferred to b): 1, 0, or 0.5 for a tie; the labeler's confidence is the weight.
 * A preference still incomplete after the unmatched timeout becomes a dead letter naming the missing interactions; a
 * preference id seen again after its example was emitted is dead-lettered as a duplicate. State is cleared in every
 * case but the small "emitted until" marker that catches duplicates, which a timer clears after the interaction
 * retention.
 */
public final class AssemblePairwiseExample
    extends KeyedCoProcessFunction<String, PreferenceEnvelope, FeaturePart, TrainingExample> {

  public static final String STAGE = "stream-jobs/join-preference";
  private static final String ORIGIN_SEPARATOR = "\u0000";
  private final FeatureJobConfig config;
  private transient ValueState<PreferenceEnvelope> preference;
  private transient MapState<String, SparseFeatures> parts;
  /** Per slot whose interaction's response is made of steps, how many: each step is a part of its own. */
  private transient MapState<String, Integer> responseSteps;
  /** Per side, the policy version and agent of its first step (joined by {@link #ORIGIN_SEPARATOR}). */
  private transient MapState<Integer, String> origins;
  private transient ValueState<Long> deadline;
  private transient ValueState<Long> emittedUntil;
  private transient String fingerprint;

  public AssemblePairwiseExample(FeatureJobConfig config) {
    this.config = config;
  }

  @Override
  public void open(OpenContext openContext) {
    preference = getRuntimeContext().getState(
        new ValueStateDescriptor<>("preference", TypeInformation.of(PreferenceEnvelope.class)));
    parts = getRuntimeContext().getMapState(
        new MapStateDescriptor<>("parts", Types.STRING, TypeInformation.of(SparseFeatures.class)));
    origins = getRuntimeContext().getMapState(new MapStateDescriptor<>("origins", Types.INT, Types.STRING));
    responseSteps = getRuntimeContext().getMapState(
        new MapStateDescriptor<>("response-steps", Types.STRING, Types.INT));
    deadline = getRuntimeContext().getState(new ValueStateDescriptor<>("deadline", Types.LONG));
    emittedUntil = getRuntimeContext().getState(new ValueStateDescriptor<>("emitted-until", Types.LONG));
    fingerprint = config.featureSpec().fingerprint();
  }

  @Override
  public void processElement1(PreferenceEnvelope value, Context ctx, Collector<TrainingExample> out) throws Exception {
    if (emittedUntil.value() != null || preference.value() != null) {
      ctx.output(DeadLetterOutput.TAG, value.origin.deadLetter(STAGE, "DuplicatePreference",
          "preference " + value.preference.getPreferenceId() + " was already received"));
      return;
    }
    preference.update(value);
    armDeadline(ctx);
    emitIfComplete(ctx, out);
  }

  @Override
  public void processElement2(FeaturePart part, Context ctx, Collector<TrainingExample> out) throws Exception {
    if (emittedUntil.value() != null) {
      return; // a late re-delivery of a part of an example already emitted
    }
    String slot = FeaturePart.slot(part.side, part.step);
    parts.put(FeaturePart.responseSlot(slot, part.responseStep), part.features);
    if (part.responseSteps > 1) {
      responseSteps.put(slot, part.responseSteps);
    }
    if (part.step == 0 && part.policyVersion != null && part.agentId != null) {
      origins.put(part.side, part.policyVersion + ORIGIN_SEPARATOR + part.agentId);
    }
    armDeadline(ctx);
    emitIfComplete(ctx, out);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<TrainingExample> out) throws Exception {
    Long forgetAt = emittedUntil.value();
    if (forgetAt != null && timestamp >= forgetAt) {
      emittedUntil.clear();
    }
    Long due = deadline.value();
    if (due == null || timestamp < due) {
      return;
    }
    PreferenceEnvelope waiting = preference.value();
    if (waiting != null) {
      List<String> missing = new ArrayList<>();
      collectMissing(waiting.preference.getA(), FeaturePart.SIDE_A, missing);
      collectMissing(waiting.preference.getB(), FeaturePart.SIDE_B, missing);
      ctx.output(DeadLetterOutput.TAG, waiting.origin.deadLetter(STAGE, "UnmatchedPreference",
          "interactions " + missing + " not seen within " + config.unmatchedTimeout()));
    }
    clear();
  }

  private void armDeadline(Context ctx) throws Exception {
    if (deadline.value() == null) {
      long due = ctx.timerService().currentProcessingTime() + config.unmatchedTimeout().toMillis();
      deadline.update(due);
      ctx.timerService().registerProcessingTimeTimer(due);
    }
  }

  private void emitIfComplete(Context ctx, Collector<TrainingExample> out) throws Exception {
    PreferenceEnvelope envelope = preference.value();
    if (envelope == null) {
      return;
    }
    Preference p = envelope.preference;
    List<SparseFeatures> a = side(FeaturePart.SIDE_A, SplitPreference.partsOf(p.getA()));
    List<SparseFeatures> b = side(FeaturePart.SIDE_B, SplitPreference.partsOf(p.getB()));
    if (a == null || b == null) {
      return;
    }
    out.collect(TrainingExample.newBuilder()
        .setExampleId(p.getPreferenceId())
        .setKind(ExampleKind.PAIRWISE)
        .setFeatureSpec(fingerprint)
        .setA(a)
        .setB(b)
        .setTarget(switch (p.getOutcome()) {
          case A -> 1f;
          case B -> 0f;
          case TIE -> 0.5f;
        })
        .setWeight(p.getConfidence())
        .setSource(p.getSource())
        .setEventTime(p.getEventTime())
        .setProducedAt(Instant.now())
        .setAOrigin(origin(FeaturePart.SIDE_A))
        .setBOrigin(origin(FeaturePart.SIDE_B))
        .setAttribute(p.getAttribute())
        .build());
    ctx.timerService().deleteProcessingTimeTimer(deadline.value());
    clear();
    long forgetAt = ctx.timerService().currentProcessingTime() + config.interactionRetention().toMillis();
    emittedUntil.update(forgetAt);
    ctx.timerService().registerProcessingTimeTimer(forgetAt);
  }

  private ExampleOrigin origin(int side) throws Exception {
    String origin = origins.get(side);
    if (origin == null) {
      return null;
    }
    int separator = origin.indexOf(ORIGIN_SEPARATOR);
    return new ExampleOrigin(origin.substring(0, separator), origin.substring(separator + 1));
  }

  /**
   * The side's steps in order: a segment's interactions, and within each the steps of its response, so the side's
   * reward is the sum of every step's. Null while a part is missing.
   */
  private List<SparseFeatures> side(int side, int steps) throws Exception {
    List<SparseFeatures> features = new ArrayList<>(steps);
    for (int step = 0; step < steps; step++) {
      String slot = FeaturePart.slot(side, step);
      Integer count = responseSteps.get(slot);
      for (int k = 0; k < (count == null ? 1 : count); k++) {
        SparseFeatures f = parts.get(FeaturePart.responseSlot(slot, k));
        if (f == null) {
          return null;
        }
        features.add(f);
      }
    }
    return features;
  }

  private void collectMissing(PreferenceSide spec, int side, List<String> missing) throws Exception {
    List<String> steps = SplitPreference.stepsOf(spec);
    for (int step = 0; step < steps.size(); step++) {
      if (!parts.contains(FeaturePart.slot(side, step))) {
        missing.add(steps.get(step));
      }
    }
  }

  private void clear() {
    preference.clear();
    parts.clear();
    responseSteps.clear();
    origins.clear();
    deadline.clear();
  }
}
