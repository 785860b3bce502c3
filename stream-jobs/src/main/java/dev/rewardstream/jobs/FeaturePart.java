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

  /** Of an interaction kept by the join. */
  static FeaturePart of(FeatureRequest request, dev.rewardstream.schema.internal.FeaturizedInteraction interaction) {
    return new FeaturePart(request.preferenceId, request.side, request.step, interaction.getFeatures(),
        interaction.getPolicyVersion(), interaction.getAgentId());
  }

  /** The map key of this part in the assembling operator's state. */
  public static String slot(int side, int step) {
    return side + "/" + step;
  }
}
