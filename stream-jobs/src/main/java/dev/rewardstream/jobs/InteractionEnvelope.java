package dev.rewardstream.jobs;

import dev.rewardstream.model.NumericNormalizer;
import dev.rewardstream.schema.Interaction;

/** A decoded interaction with the record it came from, so later checks can still dead-letter it with its origin. */
public class InteractionEnvelope {
  public Interaction interaction;
  public RawRecord origin;

  public InteractionEnvelope() {}

  public InteractionEnvelope(Interaction interaction, RawRecord origin) {
    this.interaction = interaction;
    this.origin = origin;
  }

  /** Interactions with numbers are normalized per environment; text-only ones skip that keyed step. */
  public boolean hasNumbers() {
    return NumericNormalizer.hasNumbers(interaction);
  }

  public String environment() {
    return NumericNormalizer.environmentOf(interaction);
  }
}
