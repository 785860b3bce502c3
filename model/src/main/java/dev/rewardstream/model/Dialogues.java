package dev.rewardstream.model;

/**
 * Splits multi-turn dialogues in the Anthropic HH-RLHF format ("\n\nHuman: ... \n\nAssistant: ...") into the context
 * and the final assistant turn, which is the response a reward model judges.
 */
public final class Dialogues {

  private static final String ASSISTANT = "\n\nAssistant:";
  private static final String HUMAN = "\n\nHuman:";

  private Dialogues() {}

  public record Split(String context, String response) {}

  public static Split splitLastAssistantTurn(String dialogue) {
    int at = dialogue.lastIndexOf(ASSISTANT);
    if (at < 0) {
      throw new IllegalArgumentException("no \"Assistant:\" turn in dialogue");
    }
    return new Split(dialogue.substring(0, at), dialogue.substring(at + ASSISTANT.length()).strip());
  }

  /**
   * The final human turn of a context (the text after its last "Human:" marker, up to any later "Assistant:" turn),
   * stripped; a context without the marker is a plain prompt and is returned whole, stripped.
   */
  public static String lastHumanTurn(String context) {
    int at = context.lastIndexOf(HUMAN);
    if (at < 0) {
      return context.strip();
    }
    String turn = context.substring(at + HUMAN.length());
    int end = turn.indexOf(ASSISTANT);
    return (end < 0 ? turn : turn.substring(0, end)).strip();
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
