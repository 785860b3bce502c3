package dev.rewardstream.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rewardstream.model.ResponseSteps;
import dev.rewardstream.schema.Interaction;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenAI's PRM800K step labels ({@code --format prm800k}): one labelled solution per line becomes one interaction, the
 * problem its prompt, the solution's steps its response (joined by the platform's step separator) and their ratings
 * (-1, 0, +1) its {@code step_ratings}. The solution is the path the labeler took, as PRM800K's README reconstructs it:
 * at each step the chosen completion, or the labeler's own; at a step where neither was chosen the labeler stopped
 * (phase 2 stops at the first error), and the first completion rated -1 there (else the first) ends the path.
 * Alternative completions off the path are not replayed.
 */
public final class Prm800kRecords {

  public static final String AGENT = "prm800k";

  private Prm800kRecords() {}

  public static Interaction interaction(JsonNode node, ResponseSteps steps, String source, long lineNumber,
      Instant now) throws JsonRecords.MalformedLineException {
    if (!steps.enabled()) {
      throw new IllegalArgumentException("PRM800K needs a step separator");
    }
    String problem = node.path("question").path("problem").asText(null);
    if (problem == null || problem.isBlank()) {
      throw new JsonRecords.MalformedLineException("missing question.problem");
    }
    String finish = node.path("label").path("finish_reason").asText("");
    if (finish.equals("bad_problem")) {
      throw new JsonRecords.MalformedLineException("the labeler reported a bad problem (finish_reason bad_problem)");
    }
    JsonNode labelled = node.path("label").path("steps");
    if (!labelled.isArray() || labelled.isEmpty()) {
      throw new JsonRecords.MalformedLineException("no labelled steps (label.steps)");
    }
    List<String> texts = new ArrayList<>();
    List<Float> ratings = new ArrayList<>();
    for (int s = 0; s < labelled.size(); s++) {
      JsonNode step = labelled.get(s);
      JsonNode completions = step.path("completions");
      JsonNode chosen = step.get("chosen_completion");
      JsonNode human = step.get("human_completion");
      JsonNode taken;
      boolean last = false;
      boolean own = false;
      if (chosen != null && chosen.canConvertToInt()) {
        taken = completions.path(chosen.asInt());
        if (taken.isMissingNode()) {
          throw new JsonRecords.MalformedLineException("label.steps[" + s + "]: chosen_completion " + chosen.asInt()
              + " of " + completions.size() + " completions");
        }
      } else if (human != null && !human.isNull()) {
        taken = human;
        own = true;
      } else {
        taken = firstBad(completions);
        last = true;
        if (taken == null) {
          break;
        }
      }
      String text = taken.isTextual() ? taken.asText() : taken.path("text").asText(null);
      if (text == null) {
        throw new JsonRecords.MalformedLineException("label.steps[" + s + "]: a completion without text");
      }
      if (!text.isBlank()) {
        texts.add(text.strip());
        JsonNode rating = taken.isTextual() ? null : taken.get("rating");
        // The labeler's own step is a correct one: PRM800K's phase 1 asked for a +1 step.
        ratings.add(rating != null && rating.isNumber() ? (Float) (float) rating.asDouble() : own ? (Float) 1f : null);
      }
      if (last) {
        break;
      }
    }
    if (texts.isEmpty()) {
      throw new JsonRecords.MalformedLineException("no step with text on the labeled path");
    }
    Map<String, String> metadata = new HashMap<>();
    metadata.put("finish_reason", finish);
    JsonNode generation = node.get("generation");
    return Interaction.newBuilder()
        .setInteractionId(source + "-" + lineNumber)
        .setAgentId(AGENT)
        .setPolicyVersion(generation == null || generation.isNull() ? source : "generation-" + generation.asText())
        .setEventTime(time(node.path("timestamp").asText(null), now))
        .setPrompt(problem)
        .setResponse(steps.join(texts))
        .setStepRatings(ratings)
        .setMetadata(metadata)
        .build();
  }

  private static JsonNode firstBad(JsonNode completions) {
    for (JsonNode completion : completions) {
      if (completion.path("rating").asInt(0) == -1) {
        return completion;
      }
    }
    return completions.isEmpty() ? null : completions.get(0);
  }

  /** PRM800K's timestamps are local ISO times without a zone, taken as UTC. */
  private static Instant time(String text, Instant fallback) {
    if (text == null) {
      return fallback;
    }
    try {
      return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException again) {
        return fallback;
      }
    }
  }
}
