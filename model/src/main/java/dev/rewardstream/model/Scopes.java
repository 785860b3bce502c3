package dev.rewardstream.model;

/**
 * The names of what the drift monitor watches, shared with the trainer, which measures the reward model against the
 * labels under the same names: a policy version ({@code policy=v3}) and an agent within it
 * ({@code policy=v3/agent=a}).
 */
public final class Scopes {

  private Scopes() {}

  public static String policy(String policyVersion) {
    return "policy=" + policyVersion;
  }

  public static String agent(String policyVersion, String agentId) {
    return policy(policyVersion) + "/agent=" + agentId;
  }
}
