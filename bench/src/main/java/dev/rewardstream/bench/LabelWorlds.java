package dev.rewardstream.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Simulated text worlds with a hidden true reward, for learning curves. A response is a sequence of random 4–8-letter
 * words drawn from a vocabulary (uniformly or by a Zipf law whose frequency ranks are independent of the values); a
 * share of the words carries a hidden value ~ N(0, scale²). The true reward sums the values of a response's words
 * ("not" negates the next word's), optionally adds values of ordered word bigrams, divides by a function of the length
 * and subtracts a length cost. A Bradley-Terry labeler prefers A with probability σ((rA − rB) / T), a share of its
 * labels being fair coin flips instead.
 *
 * <p>Everything is a function of the world's name and seed, so the same seed gives the same vocabulary, values and
 * streams on every run.
 */
final class LabelWorlds {

  /** How a response's summed values are scaled by its length n. */
  enum Norm {
    SUM("Σ values"), SQRT_LENGTH("Σ values / √n"), LENGTH("Σ values / n");

    final String formula;

    Norm(String formula) {
      this.formula = formula;
    }
  }

  /**
   * @param zipf exponent of the word frequencies (0: uniform)
   * @param valuedShare share of the vocabulary with a non-zero value
   * @param unigramScale standard deviation of a valued word's value
   * @param lengthCost subtracted per word from the normalized sum
   * @param temperature of the Bradley-Terry labeler
   * @param labelNoise share of labels that are a fair coin flip
   * @param negationRate chance per word that a "not" (which flips the next word's value) precedes it
   * @param bigramShare share of ordered word bigrams with a value of their own (standard deviation bigramScale)
   * @param why what structure the world exercises, for the report
   */
  record Spec(String name, int vocabulary, double zipf, double valuedShare, double unigramScale, Norm norm,
      double lengthCost, double temperature, double labelNoise, double negationRate, double bigramShare,
      double bigramScale, int minLength, int maxLength, String why) {

    /** One line for the report. */
    String describe() {
      StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%,d words (%s), %.0f %% valued (sd %s); "
              + "reward %s", vocabulary, zipf == 0 ? "uniform" : "Zipf " + zipf, 100 * valuedShare,
          trim(unigramScale), norm.formula));
      if (bigramShare > 0) {
        b.append(String.format(Locale.ROOT, " + Σ ordered-bigram values (%.0f %% of bigrams, sd %s)",
            100 * bigramShare, trim(bigramScale)));
      }
      if (lengthCost > 0) {
        b.append(String.format(Locale.ROOT, " − %s·n", trim(lengthCost)));
      }
      b.append(String.format(Locale.ROOT, "; T %s; length %d–%d", trim(temperature), minLength, maxLength));
      if (negationRate > 0) {
        b.append(String.format(Locale.ROOT, "; \"not\" before %.0f %% of words negates them", 100 * negationRate));
      }
      if (labelNoise > 0) {
        b.append(String.format(Locale.ROOT, "; %.0f %% coin-flip labels", 100 * labelNoise));
      }
      return b.append(". ").append(why).toString();
    }

    private static String trim(double v) {
      return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
  }

  static final List<Spec> ALL = List.of(
      new Spec("issue200", 200, 0, 0.4, 1, Norm.SQRT_LENGTH, 0, 0.3, 0, 0, 0, 0, 6, 20,
          "Small vocabulary, every word seen often: the world of the label-efficiency issue."),
      new Spec("hardzipf2k", 2000, 1.0, 0.3, 1, Norm.SQRT_LENGTH, 0.05, 1.0, 0.1, 0.1, 0, 0, 4, 30,
          "Noisy: hot labeler, coin flips, negation and a length cost over a Zipfian vocabulary."),
      new Spec("sparse5k", 5000, 0.8, 0.1, 1, Norm.SUM, 0, 0.5, 0, 0, 0, 0, 6, 20,
          "Large and sparse: most words are rare and worthless; longer answers collect more value."),
      new Spec("bigram100", 100, 0, 0.4, 0.5, Norm.SQRT_LENGTH, 0, 0.3, 0, 0, 0.2, 1.0, 6, 20,
          "Word order matters: ordered bigrams carry more value than the words themselves."),
      new Spec("mean1k", 1000, 1.1, 0.5, 1, Norm.LENGTH, 0, 0.1, 0, 0, 0, 0, 3, 40,
          "Quality, not quantity: the mean value per word, a cold labeler and lengths from 3 to 40."),
      new Spec("heldout800", 800, 0.9, 0.25, 1, Norm.SQRT_LENGTH, 0.02, 0.5, 0.05, 0.05, 0.05, 0.7, 5, 25,
          "A mixture of the above, defined after the default learner was chosen: never used to choose it."));

  private LabelWorlds() {}

  static Spec named(String name) {
    return ALL.stream().filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown text world " + name));
  }

  /** One world drawn from a spec and a seed: its vocabulary, frequencies and hidden values. */
  static final class World {

    private static final String NOT = "not";
    private static final String LETTERS = "abcdefghijklmnoprstuvwyz";

    final Spec spec;
    private final String[] words;
    private final double[] cumulative;
    private final double[] value;
    private final long bigramSalt;
    private final long valueSalt;
    /** The id of "not" in responses: one past the vocabulary. */
    final int notId;

    World(Spec spec, long seed) {
      this.spec = spec;
      Random r = new Random(seed * 7919 + spec.name().hashCode());
      Set<String> seen = new HashSet<>();
      words = new String[spec.vocabulary()];
      for (int i = 0; i < words.length; ) {
        int length = 4 + r.nextInt(5);
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < length; k++) {
          b.append(LETTERS.charAt(r.nextInt(LETTERS.length())));
        }
        String w = b.toString();
        if (!w.equals(NOT) && seen.add(w)) {
          words[i++] = w;
        }
      }
      notId = words.length;
      // Frequency rank is a random permutation of the ids, so how common a word is says nothing of its value.
      int[] rank = new int[words.length];
      for (int i = 0; i < rank.length; i++) {
        rank[i] = i;
      }
      for (int i = rank.length - 1; i > 0; i--) {
        int j = r.nextInt(i + 1);
        int t = rank[i];
        rank[i] = rank[j];
        rank[j] = t;
      }
      double[] weight = new double[words.length];
      double total = 0;
      for (int i = 0; i < words.length; i++) {
        weight[i] = 1.0 / Math.pow(rank[i] + 1, spec.zipf());
        total += weight[i];
      }
      cumulative = new double[words.length];
      double acc = 0;
      for (int i = 0; i < words.length; i++) {
        acc += weight[i] / total;
        cumulative[i] = acc;
      }
      bigramSalt = r.nextLong();
      Random values = new Random(r.nextLong());
      valueSalt = values.nextLong();
      value = new double[words.length];
      for (int i = 0; i < value.length; i++) {
        value[i] = values.nextDouble() < spec.valuedShare() ? spec.unigramScale() * values.nextGaussian() : 0;
      }
    }

    /** Word ids of the vocabulary plus "not": the dimension of exact word counts. */
    int ids() {
      return words.length + 1;
    }

    int sampleWord(Random r) {
      int i = Arrays.binarySearch(cumulative, r.nextDouble());
      i = i < 0 ? -i - 1 : i;
      return Math.min(i, words.length - 1);
    }

    String prompt(Random r) {
      return "how do i " + words[sampleWord(r)] + " the " + words[sampleWord(r)] + "?";
    }

    int[] response(Random r) {
      int length = spec.minLength() + r.nextInt(spec.maxLength() - spec.minLength() + 1);
      List<Integer> ids = new ArrayList<>(length + 4);
      for (int k = 0; k < length; k++) {
        if (spec.negationRate() > 0 && r.nextDouble() < spec.negationRate()) {
          ids.add(notId);
        }
        ids.add(sampleWord(r));
      }
      return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The hidden reward; n counts every token, "not" included, as the labeler reads the whole answer. */
    double reward(int[] ids) {
      double sum = 0;
      boolean negate = false;
      int previous = -1;
      for (int id : ids) {
        if (id == notId) {
          negate = true;
          continue;
        }
        sum += negate ? -value[id] : value[id];
        negate = false;
        if (spec.bigramShare() > 0 && previous >= 0) {
          sum += bigramValue(previous, id);
        }
        previous = id;
      }
      int n = ids.length;
      double normalized = switch (spec.norm()) {
        case SQRT_LENGTH -> sum / Math.sqrt(n);
        case LENGTH -> sum / n;
        case SUM -> sum;
      };
      return normalized - spec.lengthCost() * n;
    }

    /** Hashed rather than tabulated: the bigram space of a large vocabulary would not fit in memory. */
    private double bigramValue(int a, int b) {
      long h = mix((a * 1_000_003L + b) ^ bigramSalt ^ valueSalt);
      if ((h >>> 11) * 0x1.0p-53 >= spec.bigramShare()) {
        return 0;
      }
      long h2 = mix(h + 0x9E3779B97F4A7C15L);
      double u1 = ((h2 >>> 11) + 1) * 0x1.0p-53;
      double u2 = (mix(h2) >>> 11) * 0x1.0p-53;
      return spec.bigramScale() * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    private static long mix(long z) {
      z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
      z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
      return z ^ (z >>> 31);
    }

    String text(int[] ids) {
      StringBuilder b = new StringBuilder();
      for (int id : ids) {
        if (b.length() > 0) {
          b.append(' ');
        }
        b.append(id == notId ? NOT : words[id]);
      }
      return b.toString();
    }

    /** The labeler's P(A preferred). */
    double probabilityA(double rewardA, double rewardB) {
      double bt = 1 / (1 + Math.exp(-(rewardA - rewardB) / spec.temperature()));
      return (1 - spec.labelNoise()) * bt + spec.labelNoise() / 2;
    }
  }
}
