package dev.rewardstream.scorer.drift;

/**
 * What the detectors see of one scored output.
 *
 * @param reward the normalized reward (comparable across model versions, unlike the raw one)
 * @param uncertainty the ensemble standard deviation of the reward
 * @param responseLength response length in tokens, -1 when unknown
 * @param holdoutAccuracy the live model's holdout pairwise accuracy, NaN when the model reports none
 */
public record Observation(double reward, double uncertainty, int responseLength, double holdoutAccuracy) {}
