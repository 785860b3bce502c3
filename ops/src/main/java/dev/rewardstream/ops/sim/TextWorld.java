package dev.rewardstream.ops.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Simulated text agents with a hidden true reward. Responses are sequences of words from a fixed vocabulary; a random
 * subset of words carries a hidden value, and the true reward of a response is the sum of its words' values divided by
 * √length. The system never sees the values: it only sees texts and the labels drawn from them.
 */
public final class TextWorld {

  private static final String[] SYLLABLES = {"ka", "lo", "mi", "ne", "tu", "ra", "si", "po", "de", "vu", "ba", "fe",
      "go", "hi", "ju", "ze"};
  private static final double VALUED_SHARE = 0.4;

  private final List<String> vocabulary = new ArrayList<>();
  private final double[] value;
  private final Random random;

  public TextWorld(long seed, int vocabularySize) {
    this.random = new Random(seed);
    Random words = new Random(seed ^ 0x5DEECE66DL);
    while (vocabulary.size() < vocabularySize) {
      String word = SYLLABLES[words.nextInt(SYLLABLES.length)] + SYLLABLES[words.nextInt(SYLLABLES.length)]
          + SYLLABLES[words.nextInt(SYLLABLES.length)];
      if (!vocabulary.contains(word)) {
        vocabulary.add(word);
      }
    }
    value = new double[vocabularySize];
    for (int i = 0; i < vocabularySize; i++) {
      value[i] = words.nextDouble() < VALUED_SHARE ? words.nextGaussian() : 0;
    }
  }

  public String prompt() {
    return "how do i " + word() + " the " + word() + "?";
  }

  public String response() {
    int length = 6 + random.nextInt(15);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < length; i++) {
      text.append(i == 0 ? "" : " ").append(word());
    }
    return text.toString();
  }

  public double trueReward(String response) {
    String[] words = response.split(" ");
    double sum = 0;
    for (String w : words) {
      int index = vocabulary.indexOf(w);
      if (index >= 0) {
        sum += value[index];
      }
    }
    return sum / Math.sqrt(words.length);
  }

  private String word() {
    return vocabulary.get(random.nextInt(vocabulary.size()));
  }

  Random random() {
    return random;
  }
}
