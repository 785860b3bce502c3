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

  public FeaturePart() {}

  public FeaturePart(String preferenceId, int side, int step, SparseFeatures features) {
    this.preferenceId = preferenceId;
    this.side = side;
    this.step = step;
    this.features = features;
  }

  /** The map key of this part in the assembling operator's state. */
  public static String slot(int side, int step) {
    return side + "/" + step;
  }
}
