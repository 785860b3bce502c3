package dev.rewardstream.model;

/**
 * Splits multi-turn dialogues in the Anthropic HH-RLHF format ("\n\nHuman: ... \n\nAssistant: ...") into the context
 * and the final assistant turn, which is the response a reward model judges.
 */
public final class Dialogues {

  private static final String ASSISTANT = "\n\nAssistant:";

  private Dialogues() {}

  public record Split(String context, String response) {}

  public static Split splitLastAssistantTurn(String dialogue) {
    int at = dialogue.lastIndexOf(ASSISTANT);
    if (at < 0) {
      throw new IllegalArgumentException("no \"Assistant:\" turn in dialogue");
    }
    return new Split(dialogue.substring(0, at), dialogue.substring(at + ASSISTANT.length()).strip());
  }

  /** Turns in a context: each "Human:" or "Assistant:" marker at a line start counts one. */
  public static int countTurns(String context) {
    int turns = 0;
    for (String marker : new String[] {"\n\nHuman:", "\n\nAssistant:"}) {
      for (int i = context.indexOf(marker); i >= 0; i = context.indexOf(marker, i + 1)) {
        turns++;
      }
    }
    return turns;
  }
}
