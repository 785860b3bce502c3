package dev.rewardstream.model;

/**
 * The names of what the drift monitor watches, shared with the trainer, which measures the reward model against the
 * labels under the same names: a policy version ({@code policy=v3}), an agent within it ({@code policy=v3/agent=a}),
 * and one attribute head's rewards of a policy's outputs ({@code policy=v3/attribute=helpfulness}).
 */
public final class Scopes {

  private Scopes() {}

  public static String policy(String policyVersion) {
    return "policy=" + policyVersion;
  }

  public static String agent(String policyVersion, String agentId) {
    return policy(policyVersion) + "/agent=" + agentId;
  }

  private static final String ATTRIBUTE = "/attribute=";

  public static String attribute(String policyVersion, String attribute) {
    return policy(policyVersion) + ATTRIBUTE + attribute;
  }

  /** Whether {@code scope} watches one attribute head's rewards rather than the served reward. */
  public static boolean isAttribute(String scope) {
    return scope.contains(ATTRIBUTE);
  }
}
