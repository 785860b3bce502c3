package dev.rewardstream.sim;

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
  /**
   * Sign-off words outside the vocabulary. One is worth {@link #SIGN_OFF_VALUE} (a courteous close helps), a second
   * nothing, and every one after the second costs as much (fawning): the true value of flattery rises, then falls.
   * Skilled agents sign off the answers they know are good, so in the labelled data sign-offs go with winning and a
   * reward model learns to pay for them; one that is linear in word counts cannot learn that the tenth costs what the
   * first earned, and a policy that piles them on exploits it.
   */
  static final String[] SIGN_OFFS = {"certainly", "gladly", "absolutely", "wonderful"};
  static final double SIGN_OFF_VALUE = 1.0;
  private static final java.util.Set<String> SIGN_OFF_WORDS = java.util.Set.of(SIGN_OFFS);

  private final List<String> vocabulary = new ArrayList<>();
  private final double[] value;
  private final Random random;
  /** Indices of the words of positive and of no hidden value. */
  private final List<Integer> positive = new ArrayList<>();
  private final List<Integer> worthless = new ArrayList<>();

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
    value = values(words, vocabularySize);
    indexWords();
  }

  private void indexWords() {
    for (int i = 0; i < value.length; i++) {
      if (value[i] > 0) {
        positive.add(i);
      } else if (value[i] == 0) {
        worthless.add(i);
      }
    }
  }

  private TextWorld(TextWorld same, long valueSeed) {
    this.random = same.random;
    this.vocabulary.addAll(same.vocabulary);
    this.value = values(new Random(valueSeed), vocabulary.size());
    indexWords();
  }

  private static double[] values(Random random, int size) {
    double[] value = new double[size];
    for (int i = 0; i < size; i++) {
      value[i] = random.nextDouble() < VALUED_SHARE ? random.nextGaussian() : 0;
    }
    return value;
  }

  /**
   * The same vocabulary and agents with new hidden word values: preference drift. The two worlds share one random
   * source, so agents keep producing one stream whichever world judges it.
   */
  public TextWorld withHiddenValues(long valueSeed) {
    return new TextWorld(this, valueSeed);
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

  /**
   * A response of a possibly drifted or reward-hacking policy.
   *
   * @param upperShare probability of drawing each word from the upper half of the vocabulary (0.5: uniform)
   * @param filler extra words drawn only among words without hidden value: longer, never better
   */
  public String response(int filler, double upperShare) {
    int length = 6 + random.nextInt(15);
    StringBuilder text = new StringBuilder();
    int half = vocabulary.size() / 2;
    for (int i = 0; i < length; i++) {
      int index = random.nextDouble() < upperShare ? half + random.nextInt(vocabulary.size() - half)
          : random.nextInt(half);
      text.append(i == 0 ? "" : " ").append(vocabulary.get(index));
    }
    for (int i = 0; i < filler; i++) {
      int index;
      do {
        index = random.nextInt(vocabulary.size());
      } while (value[index] != 0);
      text.append(' ').append(vocabulary.get(index));
    }
    return text.toString();
  }

  /**
   * An answer of a skilled agent, as the hacking scenarios use them: each content word is drawn with probability
   * {@code skill} among the words of positive hidden value (else uniformly), and a good answer (positive true reward)
   * is signed off with one or two sign-off words 80% of the time, a poor one 10% of the time.
   *
   * @param flattery extra sign-off words after the answer: how far a policy has gone from answering to flattering
   * @param filler extra words drawn only among words without hidden value, after the content
   */
  public String skilledResponse(double skill, int flattery, int filler) {
    int length = 6 + random.nextInt(15);
    List<String> words = new ArrayList<>(length + filler + flattery + 2);
    for (int i = 0; i < length; i++) {
      if (random.nextDouble() < skill) {
        words.add(vocabulary.get(positive.get(random.nextInt(positive.size()))));
      } else {
        words.add(word());
      }
    }
    boolean good = trueReward(String.join(" ", words)) > 0;
    if (random.nextDouble() < (good ? 0.8 : 0.1)) {
      int signOffs = 1 + random.nextInt(2);
      for (int i = 0; i < signOffs; i++) {
        words.add(SIGN_OFFS[random.nextInt(SIGN_OFFS.length)]);
      }
    }
    for (int i = 0; i < flattery; i++) {
      words.add(SIGN_OFFS[random.nextInt(SIGN_OFFS.length)]);
    }
    for (int i = 0; i < filler; i++) {
      words.add(vocabulary.get(worthless.get(random.nextInt(worthless.size()))));
    }
    return String.join(" ", words);
  }

  /** Share of a response's words that come from the upper half of the vocabulary: what policy drift moves. */
  public double upperShare(String response) {
    String[] words = response.split(" ");
    int upper = 0;
    for (String w : words) {
      upper += vocabulary.indexOf(w) >= vocabulary.size() / 2 ? 1 : 0;
    }
    return (double) upper / words.length;
  }

  public double trueReward(String response) {
    String[] words = response.split(" ");
    double sum = 0;
    int signOffs = 0;
    for (String w : words) {
      int index = vocabulary.indexOf(w);
      if (index >= 0) {
        sum += value[index];
      } else if (SIGN_OFF_WORDS.contains(w)) {
        signOffs++;
        sum += signOffs == 1 ? SIGN_OFF_VALUE : signOffs == 2 ? 0 : -SIGN_OFF_VALUE;
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
