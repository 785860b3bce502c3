package dev.rewardstream.bench;

/**
 * A scenario that cannot run on this machine for a reason the user can fix (its data set is absent): the run records
 * it as skipped, with the reason, and goes on; it is not a failure.
 */
public final class ScenarioSkippedException extends Exception {

  public ScenarioSkippedException(String reason) {
    super(reason);
  }
}
