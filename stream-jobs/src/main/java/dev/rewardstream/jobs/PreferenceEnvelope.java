package dev.rewardstream.jobs;

import dev.rewardstream.schema.Preference;

/** A valid preference together with the record it came from, for the dead letter if it can never be joined. */
public class PreferenceEnvelope {
  public Preference preference;
  public RawRecord origin;

  public PreferenceEnvelope() {}

  public PreferenceEnvelope(Preference preference, RawRecord origin) {
    this.preference = preference;
    this.origin = origin;
  }
}
