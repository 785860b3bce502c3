package dev.rewardstream.jobs;

import java.io.Serializable;

/**
 * The vector lengths an environment's interactions must have. Configured per environment with
 * {@code --environment name=stateDim:actionDim}; an environment without a configured spec takes the lengths of its
 * first valid interaction.
 */
public record EnvironmentSpec(int stateDim, int actionDim) implements Serializable {

  /** Parses "stateDim:actionDim". */
  public static EnvironmentSpec parse(String text) {
    String[] parts = text.split(":");
    if (parts.length != 2) {
      throw new IllegalArgumentException("environment spec must be stateDim:actionDim, got " + text);
    }
    return new EnvironmentSpec(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
  }
}
