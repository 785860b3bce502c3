package dev.rewardstream.jobs;

import dev.rewardstream.model.ResponseSteps;
import dev.rewardstream.model.InteractionValidator;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.serde.TopicSpec;
import dev.rewardstream.serde.Topics;

/** interactions topic bytes → valid {@link Interaction}s with their origin; rejects to the dead letters. */
public final class DecodeInteraction extends DecodeAndValidate<Interaction, InteractionEnvelope> {

  public static final String STAGE = "stream-jobs/decode-interaction";
  private final InteractionValidator validator;
  private final ResponseSteps steps;

  public DecodeInteraction(FeatureJobConfig config) {
    super(config.serde(), STAGE);
    this.validator = new InteractionValidator(config.maxTextChars());
    this.steps = config.featureSpec().steps();
  }

  @Override
  protected TopicSpec<Interaction> topicOf(Topics topics) {
    return topics.interactions;
  }

  @Override
  protected void validate(Interaction record) {
    validator.validate(record);
    validator.validateStepRatings(record, steps);
  }

  @Override
  protected InteractionEnvelope accept(Interaction record, RawRecord raw) {
    return new InteractionEnvelope(record, raw);
  }
}
