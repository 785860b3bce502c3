package dev.rewardstream.jobs;

/** "Preference P needs the features of interaction I as step S of side A/B"; keyed by interaction id. */
public class FeatureRequest {
  public String preferenceId;
  public String interactionId;
  public int side;
  public int step;
  public long requestedAt;

  public FeatureRequest() {}

  public FeatureRequest(String preferenceId, String interactionId, int side, int step, long requestedAt) {
    this.preferenceId = preferenceId;
    this.interactionId = interactionId;
    this.side = side;
    this.step = step;
    this.requestedAt = requestedAt;
  }
}
