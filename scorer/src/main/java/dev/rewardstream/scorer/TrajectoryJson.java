package dev.rewardstream.scorer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rewardstream.schema.RecordRejectedException;
import java.util.ArrayList;
import java.util.List;

/** The {@code trajectories} field of a {@code POST /v1/trajectories} request, read into steps with clear errors. */
public final class TrajectoryJson {

  private TrajectoryJson() {}

  /** @throws RecordRejectedException naming the first element that is not what the API expects */
  public static List<TrajectoryScorer.StepList> parse(JsonNode trajectories) {
    if (trajectories == null || !trajectories.isArray()) {
      throw new RecordRejectedException(
          "trajectories must be an array of trajectories, each an array of steps {\"state\": [...], \"action\": [...]}");
    }
    List<TrajectoryScorer.StepList> parsed = new ArrayList<>(trajectories.size());
    for (int t = 0; t < trajectories.size(); t++) {
      JsonNode steps = trajectories.get(t);
      if (!steps.isArray()) {
        throw new RecordRejectedException("trajectories[" + t + "] must be an array of steps");
      }
      List<TrajectoryScorer.Step> trajectory = new ArrayList<>(steps.size());
      for (int i = 0; i < steps.size(); i++) {
        JsonNode step = steps.get(i);
        if (!step.isObject()) {
          throw new RecordRejectedException(
              where(t, i, "") + " must be an object {\"state\": [...], \"action\": [...]}");
        }
        trajectory.add(new TrajectoryScorer.Step(vector(step.get("state"), t, i, ".state"),
            vector(step.get("action"), t, i, ".action")));
      }
      parsed.add(new TrajectoryScorer.StepList(trajectory));
    }
    return parsed;
  }

  /** Numbers, or null for a missing value (NaN here), as on the topic; an absent field is no vector. */
  private static float[] vector(JsonNode node, int t, int i, String field) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isArray()) {
      throw new RecordRejectedException(where(t, i, field) + " must be an array of numbers");
    }
    float[] values = new float[node.size()];
    for (int j = 0; j < node.size(); j++) {
      JsonNode value = node.get(j);
      if (value.isNull()) {
        values[j] = Float.NaN;
      } else if (value.isNumber()) {
        values[j] = value.floatValue();
      } else {
        throw new RecordRejectedException(where(t, i, field) + "[" + j + "] is not a number");
      }
    }
    return values;
  }

  /** Built only for an error: per step, the names were a share of a request's garbage. */
  private static String where(int t, int i, String field) {
    return "trajectories[" + t + "][" + i + "]" + field;
  }
}
