package dev.rewardstream.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rewardstream.schema.Interaction;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * NVIDIA's HelpSteer and HelpSteer2 ({@code --format helpsteer}): one rated response per line becomes one interaction
 * whose {@code ratings} are the line's attributes on HelpSteer's 0-4 scale, each a label of the head of that name
 * ({@code --attributes helpfulness=...,verbosity=...}).
 */
public final class HelpSteerRecords {

  public static final String AGENT = "helpsteer";
  /** HelpSteer's five attributes, each rated 0 (worst) to 4. */
  public static final List<String> ATTRIBUTES = List.of("helpfulness", "correctness", "coherence", "complexity",
      "verbosity");

  private HelpSteerRecords() {}

  public static Interaction interaction(JsonNode node, String source, long lineNumber, Instant now)
      throws JsonRecords.MalformedLineException {
    String prompt = text(node, "prompt");
    String response = text(node, "response");
    Map<String, Float> ratings = new LinkedHashMap<>();
    for (String attribute : ATTRIBUTES) {
      JsonNode rating = node.get(attribute);
      if (rating == null || rating.isNull()) {
        continue;
      }
      if (!rating.isNumber() || rating.asDouble() < 0 || rating.asDouble() > 4) {
        throw new JsonRecords.MalformedLineException(attribute + " is " + rating + "; HelpSteer rates 0 to 4");
      }
      ratings.put(attribute, (float) rating.asDouble());
    }
    if (ratings.isEmpty()) {
      throw new JsonRecords.MalformedLineException("no rating (" + String.join(", ", ATTRIBUTES) + ")");
    }
    return Interaction.newBuilder()
        .setInteractionId(source + "-" + lineNumber)
        .setAgentId(AGENT)
        .setPolicyVersion(source)
        .setEventTime(now)
        .setPrompt(prompt)
        .setResponse(response)
        .setRatings(ratings)
        .build();
  }

  private static String text(JsonNode node, String field) throws JsonRecords.MalformedLineException {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw new JsonRecords.MalformedLineException("missing or empty \"" + field + "\"");
    }
    return value.asText();
  }
}
