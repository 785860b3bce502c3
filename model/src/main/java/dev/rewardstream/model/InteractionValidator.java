package dev.rewardstream.model;

import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.RecordRejectedException;
import java.util.List;

/**
 * The checks an interaction must pass before it is featurized, by the feature job and the scorer alike; each failure
 * names the field and the rule.
 */
public final class InteractionValidator implements java.io.Serializable {

  /** The bound the feature job and the scorer share unless configured otherwise (a constant for option defaults). */
  public static final int DEFAULT_MAX_TEXT_CHARS = 32_768;

  private final int maxTextChars;

  public InteractionValidator(int maxTextChars) {
    this.maxTextChars = maxTextChars;
  }

  /** @throws RecordRejectedException with the reason, when the interaction is invalid */
  public void validate(Interaction i) {
    requireText("interaction_id", i.getInteractionId());
    requireText("agent_id", i.getAgentId());
    requireText("policy_version", i.getPolicyVersion());
    if (i.getEventTime() == null || i.getEventTime().toEpochMilli() <= 0) {
      throw new RecordRejectedException("event_time must be a positive epoch-millis time");
    }
    boolean hasText = i.getPrompt() != null || i.getResponse() != null;
    boolean hasNumbers = i.getState() != null || i.getAction() != null;
    if (!hasText && !hasNumbers) {
      throw new RecordRejectedException("no payload: an interaction needs prompt/response text or state/action values");
    }
    bounded("prompt", i.getPrompt());
    bounded("response", i.getResponse());
    finite("state", i.getState());
    finite("action", i.getAction());
    if (i.getEnvReward() != null && !Double.isFinite(i.getEnvReward())) {
      throw new RecordRejectedException("env_reward is " + i.getEnvReward());
    }
    for (java.util.Map.Entry<String, Float> rating : i.getRatings().entrySet()) {
      if (!RewardAttributes.isValidName(rating.getKey())) {
        throw new RecordRejectedException("rating name '" + rating.getKey() + "' is not "
            + RewardAttributes.NAME_RULE);
      }
      if (rating.getValue() == null || !Float.isFinite(rating.getValue())) {
        throw new RecordRejectedException("rating '" + rating.getKey() + "' is " + rating.getValue());
      }
    }
  }

  /**
   * Process labels must match the response's steps as {@code steps} cuts it, one rating (or null) per step, each in
   * [-1, 1] (PRM800K's bad, neutral, good).
   *
   * @throws RecordRejectedException saying how they do not
   */
  public void validateStepRatings(Interaction i, ResponseSteps steps) {
    List<Float> ratings = i.getStepRatings();
    if (ratings == null) {
      return;
    }
    if (!steps.enabled()) {
      throw new RecordRejectedException("step_ratings given, but responses are not cut into steps (start the feature "
          + "job and scorer with --step-separator)");
    }
    int count = steps.split(i.getResponse()).size();
    if (ratings.size() != count) {
      throw new RecordRejectedException("step_ratings has " + ratings.size() + " ratings, the response has " + count
          + " steps (separator '" + steps.describe() + "')");
    }
    for (int k = 0; k < ratings.size(); k++) {
      Float rating = ratings.get(k);
      if (rating != null && !(rating >= -1f && rating <= 1f)) {
        throw new RecordRejectedException("step_ratings[" + k + "] is " + rating + ", outside [-1, 1]");
      }
    }
  }

  private void bounded(String field, String text) {
    if (text != null && text.length() > maxTextChars) {
      throw new RecordRejectedException(field + " has " + text.length() + " characters, the limit is " + maxTextChars);
    }
  }

  private static void requireText(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new RecordRejectedException(field + " is empty");
    }
  }

  /**
   * @throws RecordRejectedException naming the first infinite or NaN element of {@code field}; a null element is a
   *     missing value, which is allowed
   */
  public static void finite(String field, List<Float> values) {
    if (values == null) {
      return;
    }
    for (int k = 0; k < values.size(); k++) {
      Float v = values.get(k);
      if (v != null && !Float.isFinite(v)) {
        throw new RecordRejectedException(field + "[" + k + "] is " + v);
      }
    }
  }
}
