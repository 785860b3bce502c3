package dev.rewardstream.model;

import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.SparseFeatures;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns an interaction into hashed sparse features. The Flink jobs build training examples with it and the scorer
 * scores with it, so the same interaction gets bit-identical features on both paths: the computation is a pure
 * function of the text and numbers, with a fixed summation order.
 *
 * <p>Feature groups, each hashed into its own namespace and each L2-normalized on its own so long texts do not drown
 * short ones: response words (unigrams, optional bigrams), optional response character n-grams, prompt words,
 * structural features (log response length,
 * log number of dialogue turns), and numeric state/action values with a mask feature for each missing value
 * (imputed as 0, never silently). Signed hashing keeps collisions unbiased.
 */
public final class Featurizer {

  private static final int SEED = 0x5eed_f00d;
  private final FeatureSpec spec;
  private final int mask;

  public Featurizer(FeatureSpec spec) {
    this.spec = spec;
    this.mask = spec.dimension() - 1;
  }

  public FeatureSpec spec() {
    return spec;
  }

  public SparseFeatures featurize(Interaction interaction) {
    Accumulator acc = new Accumulator();
    String prompt = interaction.getPrompt();
    // Tokenized once: the word, character and length features all read the same tokens.
    List<String> responseTokens = interaction.getResponse() == null ? List.of() : tokens(interaction.getResponse());
    if (interaction.getResponse() != null) {
      acc.addNormalized(textFeatures("r", responseTokens));
      if (spec.charNgrams() > 0) {
        acc.addNormalized(charNgrams("c", responseTokens, spec.charNgrams()));
      }
    }
    if (prompt != null) {
      acc.addNormalized(textFeatures("p", tokens(prompt)));
    }
    acc.addAll(structural(prompt, responseTokens.size()));
    acc.addNormalized(numeric("s", interaction.getState()));
    acc.addNormalized(numeric("a", interaction.getAction()));
    return acc.build();
  }

  public SparseFeatures featurizeText(String prompt, String response) {
    return featurize(Interaction.newBuilder()
        .setInteractionId("").setAgentId("").setPolicyVersion("").setEventTime(java.time.Instant.EPOCH)
        .setPrompt(prompt).setResponse(response).build());
  }

  /** Lower-cased runs of letters and digits: cheap, locale-independent and stable across JVMs. */
  public static List<String> tokens(String text) {
    List<String> tokens = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    text.codePoints().forEach(cp -> {
      if (Character.isLetterOrDigit(cp)) {
        current.appendCodePoint(Character.toLowerCase(cp));
      } else if (current.length() > 0) {
        tokens.add(current.toString());
        current.setLength(0);
      }
    });
    if (current.length() > 0) {
      tokens.add(current.toString());
    }
    return tokens;
  }

  private Accumulator textFeatures(String namespace, List<String> tokens) {
    Accumulator acc = new Accumulator();
    for (int i = 0; i < tokens.size(); i++) {
      acc.addHashed(namespace + "1:" + tokens.get(i), 1f);
      if (spec.bigrams() && i > 0) {
        acc.addHashed(namespace + "2:" + tokens.get(i - 1) + ' ' + tokens.get(i), 1f);
      }
    }
    return acc;
  }

  /** Lower-cased character n-grams over the text with its whitespace collapsed: robust to spelling and tokenization. */
  private Accumulator charNgrams(String namespace, List<String> tokens, int n) {
    Accumulator acc = new Accumulator();
    String folded = " " + String.join(" ", tokens) + " ";
    int[] cps = folded.codePoints().toArray();
    for (int i = 0; i + n <= cps.length; i++) {
      acc.addHashed(namespace + n + ":" + new String(cps, i, n), 1f);
    }
    return acc;
  }

  private Accumulator structural(String prompt, int responseTokens) {
    Accumulator acc = new Accumulator();
    acc.addHashed("x:response_log_len", (float) (Math.log1p(responseTokens) / 5.0));
    if (prompt != null) {
      acc.addHashed("x:log_turns", (float) (Math.log1p(Dialogues.countTurns(prompt)) / 3.0));
    }
    acc.addHashed("x:bias", 1f);
    return acc;
  }

  private Accumulator numeric(String namespace, List<Float> values) {
    Accumulator acc = new Accumulator();
    if (values == null) {
      return acc;
    }
    for (int i = 0; i < values.size(); i++) {
      Float v = values.get(i);
      if (v == null) {
        acc.addHashed(namespace + "m:" + i, 1f);
      } else {
        acc.addHashed(namespace + ":" + i, v);
      }
    }
    return acc;
  }

  private final class Accumulator {
    private int[] indices = new int[64];
    private float[] values = new float[64];
    private int size;

    void addHashed(String feature, float value) {
      int h = murmur3(feature.getBytes(StandardCharsets.UTF_8));
      add(h & mask, (h >>> 31) == 0 ? value : -value);
    }

    void add(int index, float value) {
      if (size == indices.length) {
        indices = Arrays.copyOf(indices, size * 2);
        values = Arrays.copyOf(values, size * 2);
      }
      indices[size] = index;
      values[size] = value;
      size++;
    }

    void addAll(Accumulator other) {
      for (int i = 0; i < other.size; i++) {
        add(other.indices[i], other.values[i]);
      }
    }

    void addNormalized(Accumulator other) {
      double norm = 0;
      for (int i = 0; i < other.size; i++) {
        norm += (double) other.values[i] * other.values[i];
      }
      if (norm == 0) {
        return;
      }
      float scale = (float) (1.0 / Math.sqrt(norm));
      for (int i = 0; i < other.size; i++) {
        add(other.indices[i], other.values[i] * scale);
      }
    }

    /** Sorts by index and sums duplicates, in insertion order per index so the result is reproducible. */
    SparseFeatures build() {
      Integer[] order = new Integer[size];
      for (int i = 0; i < size; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (x, y) -> indices[x] != indices[y] ? Integer.compare(indices[x], indices[y])
          : Integer.compare(x, y));
      List<Integer> outIndices = new ArrayList<>(size);
      List<Float> outValues = new ArrayList<>(size);
      for (Integer i : order) {
        int last = outIndices.size() - 1;
        if (last >= 0 && outIndices.get(last) == indices[i]) {
          outValues.set(last, outValues.get(last) + values[i]);
        } else {
          outIndices.add(indices[i]);
          outValues.add(values[i]);
        }
      }
      return new SparseFeatures(outIndices, outValues);
    }
  }

  /** MurmurHash3 x86 32-bit: fast, well distributed and identical on every platform. */
  static int murmur3(byte[] data) {
    int h = SEED;
    int n = data.length & ~3;
    for (int i = 0; i < n; i += 4) {
      int k = (data[i] & 0xff) | (data[i + 1] & 0xff) << 8 | (data[i + 2] & 0xff) << 16 | (data[i + 3] & 0xff) << 24;
      h ^= mixK(k);
      h = Integer.rotateLeft(h, 13) * 5 + 0xe6546b64;
    }
    int k = 0;
    switch (data.length & 3) {
      case 3:
        k ^= (data[n + 2] & 0xff) << 16;
      // fall through
      case 2:
        k ^= (data[n + 1] & 0xff) << 8;
      // fall through
      case 1:
        k ^= data[n] & 0xff;
        h ^= mixK(k);
      // fall through
      default:
        break;
    }
    h ^= data.length;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  private static int mixK(int k) {
    k *= 0xcc9e2d51;
    k = Integer.rotateLeft(k, 15);
    return k * 0x1b873593;
  }
}
