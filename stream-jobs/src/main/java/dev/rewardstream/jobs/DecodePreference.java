package dev.rewardstream.jobs;

import dev.rewardstream.schema.Preference;
import dev.rewardstream.serde.TopicSpec;
import dev.rewardstream.serde.Topics;

/** preferences topic bytes → valid preferences with their origin; rejects to the dead letters. */
public final class DecodePreference extends DecodeAndValidate<Preference, PreferenceEnvelope> {

  public static final String STAGE = "stream-jobs/decode-preference";
  private final PreferenceValidator validator;

  public DecodePreference(FeatureJobConfig config) {
    super(config.serde(), STAGE);
    this.validator = new PreferenceValidator(config.maxTextChars());
  }

  @Override
  protected TopicSpec<Preference> topicOf(Topics topics) {
    return topics.preferences;
  }

  @Override
  protected void validate(Preference record) {
    validator.validate(record);
  }

  @Override
  protected PreferenceEnvelope accept(Preference record, RawRecord raw) {
    return new PreferenceEnvelope(record, raw);
  }
}
