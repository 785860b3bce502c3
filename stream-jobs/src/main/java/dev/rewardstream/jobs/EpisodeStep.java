package dev.rewardstream.jobs;

import dev.rewardstream.schema.SparseFeatures;

/** A featurized step of an episode, on its way to reward attribution; keyed by episode id. */
public class EpisodeStep {
  public String episodeId;
  public String interactionId;
  public SparseFeatures features;
  /** Normalized reward of this step, or null when the environment gave none. */
  public Double reward;
  public boolean done;
  public long eventTimeMs;

  public EpisodeStep() {}

  public EpisodeStep(String episodeId, String interactionId, SparseFeatures features, Double reward, boolean done,
      long eventTimeMs) {
    this.episodeId = episodeId;
    this.interactionId = interactionId;
    this.features = features;
    this.reward = reward;
    this.done = done;
    this.eventTimeMs = eventTimeMs;
  }
}
