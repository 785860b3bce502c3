package dev.rewardstream.trainer;

import java.time.Instant;
import java.util.Map;

/**
 * A snapshot of the trainer's progress, for the CLI and tests; {@code active} while this instance is the one learning
 * and publishing, false while it waits as a standby.
 */
public record TrainerStatus(
    long liveVersion, long examplesTrained, long steps, int holdoutSize, long rejectedCandidates, long deadLetters,
    Map<String, Double> liveMetrics, Instant firstExampleAt, Instant firstPublishAt, String failure,
    boolean active) {}
