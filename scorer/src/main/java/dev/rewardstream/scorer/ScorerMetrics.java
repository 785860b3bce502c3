package dev.rewardstream.scorer;

import dev.rewardstream.serde.DeadLetters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** What the scoring topology counts: records scored, records rescored under a new version, dead letters. */
final class ScorerMetrics {

  final Counter scored;
  final Counter rescored;
  final Counter deadLetters;

  ScorerMetrics(MeterRegistry meters) {
    scored = Counter.builder("rewardstream.scorer.records.scored")
        .description("Interactions scored as they arrived").register(meters);
    rescored = Counter.builder("rewardstream.scorer.records.rescored")
        .description("Retained interactions scored again when a new version went live").register(meters);
    deadLetters = DeadLetters.counter(meters, ScoreProcessor.STAGE);
  }
}
