package dev.rewardstream.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rewardstream.model.Dialogues;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.LabelSource;
import dev.rewardstream.schema.Preference;
import dev.rewardstream.schema.PreferenceOutcome;
import dev.rewardstream.schema.PreferenceSide;
import java.time.Instant;
import java.util.List;

/**
 * One line of Anthropic's HH-RLHF format, {@code {"chosen": dialogue, "rejected": dialogue}}, as two interactions
 * (context = everything before the final assistant turn, response = that turn) and one HUMAN preference for the
 * chosen side. Ids derive from the source name and line number, so replaying a file twice produces the same ids and
 * the feature job's duplicate check catches it instead of the model training twice on the same label.
 */
public final class HhRlhfRecords {

  public static final String AGENT = "hh-rlhf";

  /** The pair as read, before it becomes records: what the benchmark trains on without Kafka. */
  public record Pair(Dialogues.Split chosen, Dialogues.Split rejected) {}

  /** Two interactions (chosen first) and the preference naming them. */
  public record Records(List<Interaction> interactions, Preference preference) {}

  private HhRlhfRecords() {}

  public static Pair pair(JsonNode node) throws JsonRecords.MalformedLineException {
    return new Pair(split(node, "chosen"), split(node, "rejected"));
  }

  public static Records records(Pair pair, String source, long lineNumber, Instant now) {
    String base = source + "-" + lineNumber;
    Interaction chosen = interaction(base + "-chosen", source, pair.chosen(), now);
    Interaction rejected = interaction(base + "-rejected", source, pair.rejected(), now);
    Preference preference = Preference.newBuilder()
        .setPreferenceId(base)
        .setEventTime(now)
        .setA(PreferenceSide.newBuilder().setInteractionId(chosen.getInteractionId()).build())
        .setB(PreferenceSide.newBuilder().setInteractionId(rejected.getInteractionId()).build())
        .setOutcome(PreferenceOutcome.A)
        .setSource(LabelSource.HUMAN)
        .setAnnotator(AGENT)
        .build();
    return new Records(List.of(chosen, rejected), preference);
  }

  private static Interaction interaction(String id, String source, Dialogues.Split split, Instant now) {
    return Interaction.newBuilder().setInteractionId(id).setAgentId(AGENT).setPolicyVersion(source)
        .setEnvironment(AGENT).setEventTime(now).setPrompt(split.context()).setResponse(split.response()).build();
  }

  private static Dialogues.Split split(JsonNode node, String side) throws JsonRecords.MalformedLineException {
    JsonNode dialogue = node.get(side);
    if (dialogue == null || !dialogue.isTextual()) {
      throw new JsonRecords.MalformedLineException("missing or non-text \"" + side + "\"");
    }
    try {
      return Dialogues.splitLastAssistantTurn(dialogue.asText());
    } catch (IllegalArgumentException e) {
      throw new JsonRecords.MalformedLineException("\"" + side + "\": " + e.getMessage());
    }
  }
}
