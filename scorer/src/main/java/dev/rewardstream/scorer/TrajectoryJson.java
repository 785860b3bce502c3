package dev.rewardstream.scorer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rewardstream.schema.RecordRejectedException;
import java.util.ArrayList;
import java.util.List;

/** The {@code trajectories} field of a {@code POST /v1/trajectories} request, read into steps with clear errors. */
public final class TrajectoryJson {

  private TrajectoryJson() {}

  /** @throws RecordRejectedException naming the first element that is not what the API expects */
  public static List<List<TrajectoryScorer.Step>> parse(JsonNode trajectories) {
    if (trajectories == null || !trajectories.isArray()) {
      throw new RecordRejectedException(
          "trajectories must be an array of trajectories, each an array of steps {\"state\": [...], \"action\": [...]}");
    }
    List<List<TrajectoryScorer.Step>> parsed = new ArrayList<>(trajectories.size());
    for (int t = 0; t < trajectories.size(); t++) {
      JsonNode steps = trajectories.get(t);
      if (!steps.isArray()) {
        throw new RecordRejectedException("trajectories[" + t + "] must be an array of steps");
      }
      List<TrajectoryScorer.Step> trajectory = new ArrayList<>(steps.size());
      for (int i = 0; i < steps.size(); i++) {
        JsonNode step = steps.get(i);
        String where = "trajectories[" + t + "][" + i + "]";
        if (!step.isObject()) {
          throw new RecordRejectedException(where + " must be an object {\"state\": [...], \"action\": [...]}");
        }
        trajectory.add(new TrajectoryScorer.Step(vector(step.get("state"), where + ".state"),
            vector(step.get("action"), where + ".action")));
      }
      parsed.add(trajectory);
    }
    return parsed;
  }

  /** Numbers, or null for a missing value, as on the topic; an absent field is no vector. */
  private static List<Float> vector(JsonNode node, String where) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isArray()) {
      throw new RecordRejectedException(where + " must be an array of numbers");
    }
    List<Float> values = new ArrayList<>(node.size());
    for (int j = 0; j < node.size(); j++) {
      JsonNode value = node.get(j);
      if (value.isNull()) {
        values.add(null);
      } else if (value.isNumber()) {
        values.add(value.floatValue());
      } else {
        throw new RecordRejectedException(where + "[" + j + "] is not a number");
      }
    }
    return values;
  }
}
