package dev.rewardstream.jobs;

import dev.rewardstream.schema.SparseFeatures;

/** The features of one step of one side of a preference; keyed by preference id. */
public class FeaturePart {
  public static final int SIDE_A = 0;
  public static final int SIDE_B = 1;

  public String preferenceId;
  public int side;
  public int step;
  public SparseFeatures features;
  /** The policy version and agent of the interaction; null for inline sides and state from before they were kept. */
  public String policyVersion;
  public String agentId;
  /** Which step of the interaction's response these features are, of how many: 0 of 1 for a one-step response. */
  public int responseStep;
  public int responseSteps = 1;

  public FeaturePart() {}

  public FeaturePart(String preferenceId, int side, int step, SparseFeatures features) {
    this(preferenceId, side, step, features, null, null);
  }

  public FeaturePart(String preferenceId, int side, int step, SparseFeatures features, String policyVersion,
      String agentId) {
    this.preferenceId = preferenceId;
    this.side = side;
    this.step = step;
    this.features = features;
    this.policyVersion = policyVersion;
    this.agentId = agentId;
  }

  /** Of an interaction kept by the join: one part per step of its response. */
  static java.util.List<FeaturePart> of(FeatureRequest request,
      dev.rewardstream.schema.internal.FeaturizedInteraction interaction) {
    java.util.List<SparseFeatures> steps = interaction.getResponseSteps();
    if (steps.isEmpty()) {
      return java.util.List.of(new FeaturePart(request.preferenceId, request.side, request.step,
          interaction.getFeatures(), interaction.getPolicyVersion(), interaction.getAgentId()));
    }
    java.util.List<FeaturePart> parts = new java.util.ArrayList<>(steps.size());
    for (int k = 0; k < steps.size(); k++) {
      FeaturePart part = new FeaturePart(request.preferenceId, request.side, request.step, steps.get(k),
          interaction.getPolicyVersion(), interaction.getAgentId());
      part.responseStep = k;
      part.responseSteps = steps.size();
      parts.add(part);
    }
    return parts;
  }

  /** The map key of this part in the assembling operator's state. */
  public static String slot(int side, int step) {
    return side + "/" + step;
  }

  /** The key of step {@code responseStep} (above 0) of the response at {@code slot}. */
  public static String responseSlot(String slot, int responseStep) {
    return responseStep == 0 ? slot : slot + "." + responseStep;
  }
}
