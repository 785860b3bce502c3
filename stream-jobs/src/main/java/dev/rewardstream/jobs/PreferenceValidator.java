package dev.rewardstream.jobs;

import dev.rewardstream.schema.Preference;
import dev.rewardstream.schema.PreferenceSide;
import dev.rewardstream.schema.RecordRejectedException;
import java.util.List;

/** The checks a preference must pass before it is joined. */
public final class PreferenceValidator implements java.io.Serializable {

  public static final int MAX_SEGMENT_STEPS = 1000;
  private final int maxTextChars;

  public PreferenceValidator(int maxTextChars) {
    this.maxTextChars = maxTextChars;
  }

  /** @throws RecordRejectedException with the reason, when the preference is invalid */
  public void validate(Preference p) {
    if (p.getPreferenceId() == null || p.getPreferenceId().isBlank()) {
      throw new RecordRejectedException("preference_id is empty");
    }
    if (p.getEventTime() == null || p.getEventTime().toEpochMilli() <= 0) {
      throw new RecordRejectedException("event_time must be a positive epoch-millis time");
    }
    float confidence = p.getConfidence();
    if (!(confidence >= 0f && confidence <= 1f)) {
      throw new RecordRejectedException("confidence " + confidence + " is outside [0, 1]");
    }
    if (p.getAttribute() != null && !dev.rewardstream.model.RewardAttributes.isValidName(p.getAttribute())) {
      throw new RecordRejectedException("attribute '" + p.getAttribute() + "' is not "
          + dev.rewardstream.model.RewardAttributes.NAME_RULE);
    }
    side("a", p.getA());
    side("b", p.getB());
    if (p.getA().getInteractionId() != null && p.getA().getInteractionId().equals(p.getB().getInteractionId())) {
      throw new RecordRejectedException("a and b name the same interaction " + p.getA().getInteractionId());
    }
  }

  private void side(String name, PreferenceSide side) {
    int given = (side.getInteractionId() != null ? 1 : 0) + (side.getSegment() != null ? 1 : 0)
        + (side.getResponse() != null ? 1 : 0);
    if (given != 1) {
      throw new RecordRejectedException("side " + name + " must give exactly one of interaction_id, segment or an "
          + "inline response; it gives " + given);
    }
    List<String> segment = side.getSegment();
    if (segment != null && (segment.isEmpty() || segment.size() > MAX_SEGMENT_STEPS)) {
      throw new RecordRejectedException("side " + name + " segment has " + segment.size() + " steps, allowed 1.."
          + MAX_SEGMENT_STEPS);
    }
    if (segment != null && segment.stream().anyMatch(id -> id == null || id.isBlank())) {
      throw new RecordRejectedException("side " + name + " segment names an empty interaction id");
    }
    if (side.getInteractionId() != null && side.getInteractionId().isBlank()) {
      throw new RecordRejectedException("side " + name + " interaction_id is empty");
    }
    for (String text : new String[] {side.getPrompt(), side.getResponse()}) {
      if (text != null && text.length() > maxTextChars) {
        throw new RecordRejectedException("side " + name + " text has " + text.length() + " characters, the limit is "
            + maxTextChars);
      }
    }
  }
}
