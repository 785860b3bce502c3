package dev.rewardstream.trainer;

import java.time.Instant;
import java.util.Map;

/** A snapshot of the trainer's progress, for the CLI and tests. */
public record TrainerStatus(
    long liveVersion, long examplesTrained, long steps, int holdoutSize, long rejectedCandidates, long deadLetters,
    Map<String, Double> liveMetrics, Instant firstExampleAt, Instant firstPublishAt, String failure) {}
