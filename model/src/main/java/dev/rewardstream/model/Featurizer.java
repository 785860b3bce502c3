package dev.rewardstream.model;

import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.SparseFeatures;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns an interaction into hashed sparse features. The Flink jobs build training examples with it and the scorer
 * scores with it, so the same interaction gets bit-identical features on both paths: the computation is a pure
 * function of the text and numbers, with a fixed summation order.
 *
 * <p>Feature groups, each hashed into its own namespace and each L2-normalized on its own so long texts do not drown
 * short ones: response words (unigrams, optional bigrams), optional response character n-grams, optional embeddings of
 * the response and of the final exchange by a pretrained {@link TextEncoder}, prompt words,
 * structural features (log response length,
 * log number of dialogue turns), and numeric state/action values with a mask feature for each missing value
 * (imputed as 0, never silently). Signed hashing keeps collisions unbiased.
 */
public final class Featurizer {

  private final FeatureSpec spec;
  private final int mask;
  // One accumulator per thread for featurizeNumbers: each imagined step would otherwise allocate its arrays and
  // build's table afresh, most of a planner's request's garbage.
  private final ThreadLocal<FeatureAccumulator> numbersScratch;
  private final TextEncoder encoder;

  /** Finds the spec's {@link TextEncoder}, if it names one, on the class path. */
  public Featurizer(FeatureSpec spec) {
    this(spec, spec.textEncoder().isEmpty() ? null : TextEncoder.named(spec.textEncoder()));
  }

  /** With the given encoder, which must be the one the spec names (null when it names none). */
  public Featurizer(FeatureSpec spec, TextEncoder encoder) {
    String name = encoder == null ? "" : encoder.name();
    if (!name.equals(spec.textEncoder())) {
      throw new IllegalArgumentException("the spec names text encoder \"" + spec.textEncoder() + "\", got \""
          + name + "\"");
    }
    this.spec = spec;
    this.mask = spec.dimension() - 1;
    this.numbersScratch = ThreadLocal.withInitial(() -> new FeatureAccumulator(32, mask));
    this.encoder = encoder;
  }

  public FeatureSpec spec() {
    return spec;
  }

  public SparseFeatures featurize(Interaction interaction) {
    return featurizeVector(interaction).toAvro();
  }

  /** The same features as {@link #featurize}, as primitive arrays, with the response's token count. */
  public FeatureVector featurizeVector(Interaction interaction) {
    String prompt = interaction.getPrompt();
    // Tokenized once: the word, character and length features all read the same tokens.
    TokenBytes responseTokens = interaction.getResponse() == null ? TokenBytes.EMPTY
        : TokenBytes.of(interaction.getResponse());
    TokenBytes promptTokens = prompt == null ? TokenBytes.EMPTY : TokenBytes.of(prompt);
    // Room for every word feature (a unigram and a bigram per token) and the structural ones, so the arrays are
    // not regrown on the hot path.
    FeatureAccumulator acc = new FeatureAccumulator(2 * (responseTokens.size() + promptTokens.size()) + 8, mask);
    if (interaction.getResponse() != null) {
      acc.startGroup();
      textFeatures(acc, RESPONSE, responseTokens);
      acc.normalizeGroup();
      if (spec.charNgrams() > 0) {
        acc.startGroup();
        charNgrams(acc, "c", responseTokens.strings(), spec.charNgrams());
        acc.normalizeGroup();
      }
      if (encoder != null) {
        // The response alone, and the final exchange: what the reply does with the request.
        String response = interaction.getResponse();
        acc.startGroup();
        embedding(acc, "e", encoder.encode(response));
        acc.normalizeGroup(FeatureSpec.EMBEDDING_NORM);
        acc.startGroup();
        embedding(acc, "d", encoder.encode(prompt == null ? response
            : "Human: " + Dialogues.lastHumanTurn(prompt) + "\n\nAssistant: " + response));
        acc.normalizeGroup(FeatureSpec.EMBEDDING_NORM);
      }
    }
    if (prompt != null) {
      acc.startGroup();
      textFeatures(acc, PROMPT, promptTokens);
      acc.normalizeGroup();
    }
    structural(acc, prompt, responseTokens.size());
    numbers(acc, Numbers.of(interaction.getState()), Numbers.of(interaction.getAction()));
    return acc.build(interaction.getResponse() == null ? -1 : responseTokens.size());
  }

  /**
   * The features of each step of the interaction's response as {@code steps} cuts it: each step featurized as the
   * response to the same prompt, so the response's reward is the sum of its steps' and the reward of a prefix is the
   * sum so far. A response of one step (or none) gives {@link #featurizeVector} of the interaction.
   */
  public List<FeatureVector> featurizeSteps(Interaction interaction, ResponseSteps steps) {
    List<String> parts = steps.split(interaction.getResponse());
    if (parts.size() < 2) {
      return List.of(featurizeVector(interaction));
    }
    List<FeatureVector> out = new ArrayList<>(parts.size());
    for (String part : parts) {
      Interaction step = new Interaction();
      for (int field = 0; field < Interaction.SCHEMA$.getFields().size(); field++) {
        step.put(field, interaction.get(field));
      }
      step.setResponse(part);
      if (!out.isEmpty()) {
        // The numbers describe the interaction, not a step: counted once, with the first step.
        step.setState(null);
        step.setAction(null);
      }
      out.add(featurizeVector(step));
    }
    return out;
  }

  /**
   * The features of a step with numbers and no text, the same as {@link #featurizeVector} gives its interaction,
   * from primitive vectors (NaN for a missing value, null for no vector): a planner's request featurizes 20,000
   * imagined steps, and boxed values and interactions per step were garbage the collector copied mid-request.
   */
  public FeatureVector featurizeNumbers(float[] state, float[] action) {
    FeatureAccumulator acc = numbersScratch.get();
    acc.reset();
    structural(acc, null, 0);
    numbers(acc, Numbers.of(state), Numbers.of(action));
    return acc.build(-1);
  }

  private void numbers(FeatureAccumulator acc, Numbers state, Numbers action) {
    if (spec.quadraticNumbers()) {
      numeric(acc, STATE, state);
      numeric(acc, ACTION, action);
      products(acc, state, action);
    } else {
      acc.startGroup();
      numeric(acc, STATE, state);
      acc.normalizeGroup();
      acc.startGroup();
      numeric(acc, ACTION, action);
      acc.normalizeGroup();
    }
  }

  /** A numeric vector, boxed with null for a missing value (as on the topic) or primitive with NaN. */
  private interface Numbers {
    int size();

    boolean present(int i);

    float value(int i);

    static Numbers of(List<Float> values) {
      return values == null ? null : new Numbers() {
        public int size() {
          return values.size();
        }

        public boolean present(int i) {
          return values.get(i) != null;
        }

        public float value(int i) {
          return values.get(i);
        }
      };
    }

    static Numbers of(float[] values) {
      return values == null ? null : new Numbers() {
        public int size() {
          return values.length;
        }

        public boolean present(int i) {
          return !Float.isNaN(values[i]);
        }

        public float value(int i) {
          return values[i];
        }
      };
    }
  }

  public SparseFeatures featurizeText(String prompt, String response) {
    return featurize(Interaction.newBuilder()
        .setInteractionId("").setAgentId("").setPolicyVersion("").setEventTime(java.time.Instant.EPOCH)
        .setPrompt(prompt).setResponse(response).build());
  }

  /** Lower-cased runs of letters and digits: cheap, locale-independent and stable across JVMs. */
  public static List<String> tokens(String text) {
    return TokenBytes.of(text).strings();
  }

  private void textFeatures(FeatureAccumulator acc, Namespace namespace, TokenBytes tokens) {
    byte[] text = tokens.bytes();
    byte[] buffer = new byte[64];
    int previousStart = -1;
    int previousLength = 0;
    for (int t = 0; t < tokens.size(); t++) {
      int start = tokens.start(t);
      int tokenLength = tokens.end(t) - start;
      int needed = Math.max(namespace.unigram.length, namespace.bigram.length) + previousLength + 1 + tokenLength;
      if (buffer.length < needed) {
        buffer = new byte[2 * needed];
      }
      int length = namespace.unigram.length + tokenLength;
      System.arraycopy(namespace.unigram, 0, buffer, 0, namespace.unigram.length);
      System.arraycopy(text, start, buffer, namespace.unigram.length, tokenLength);
      acc.addHashed(buffer, length, 1f);
      if (spec.bigrams() && previousStart >= 0) {
        int at = namespace.bigram.length;
        System.arraycopy(namespace.bigram, 0, buffer, 0, at);
        System.arraycopy(text, previousStart, buffer, at, previousLength);
        at += previousLength;
        buffer[at++] = ' ';
        System.arraycopy(text, start, buffer, at, tokenLength);
        acc.addHashed(buffer, at + tokenLength, 1f);
      }
      previousStart = start;
      previousLength = tokenLength;
    }
  }

  /** A text's feature namespace: the byte prefixes of its unigram and bigram features. */
  private record Namespace(byte[] unigram, byte[] bigram) {
    static Namespace of(String name) {
      return new Namespace((name + "1:").getBytes(StandardCharsets.UTF_8),
          (name + "2:").getBytes(StandardCharsets.UTF_8));
    }
  }

  private static final Namespace RESPONSE = Namespace.of("r");
  private static final Namespace PROMPT = Namespace.of("p");

  /** Lower-cased character n-grams over the text with its whitespace collapsed: robust to spelling and tokenization. */
  private void charNgrams(FeatureAccumulator acc, String namespace, List<String> tokens, int n) {
    String folded = " " + String.join(" ", tokens) + " ";
    int[] cps = folded.codePoints().toArray();
    for (int i = 0; i + n <= cps.length; i++) {
      acc.addHashed(namespace + n + ":" + new String(cps, i, n), 1f);
    }
  }

  /** A dense embedding, each coordinate hashed like a named feature. */
  private void embedding(FeatureAccumulator acc, String namespace, float[] vector) {
    for (int i = 0; i < vector.length; i++) {
      acc.addHashed(namespace + "e:" + i, vector[i]);
    }
  }

  /** Not normalized: each is on a fixed scale of its own. */
  private void structural(FeatureAccumulator acc, String prompt, int responseTokens) {
    acc.addHash(RESPONSE_LOG_LEN, (float) (Math.log1p(responseTokens) / 5.0));
    if (prompt != null) {
      acc.addHash(LOG_TURNS, (float) (Math.log1p(Dialogues.countTurns(prompt)) / 3.0));
    }
    acc.addHash(BIAS, 1f);
  }

  // Hashed once: every interaction, and each of a planner's imagined steps, carries them.
  private static final int RESPONSE_LOG_LEN = nameHash("x:response_log_len");
  private static final int LOG_TURNS = nameHash("x:log_turns");
  private static final int BIAS = nameHash("x:bias");

  private static int nameHash(String name) {
    return Murmur3.hash(name.getBytes(StandardCharsets.UTF_8));
  }

  private void numeric(FeatureAccumulator acc, NumericNames names, Numbers values) {
    if (values == null) {
      return;
    }
    for (int i = 0; i < values.size(); i++) {
      if (values.present(i)) {
        acc.addHash(names.valueHash(i), values.value(i));
      } else {
        acc.addHash(names.missingHash(i), 1f);
      }
    }
  }

  /**
   * The hashes of a numeric vector's feature names ({@code s:3} for a value, {@code sm:3} for a missing one), the
   * first {@link #CACHED} of them computed once: building and hashing the name string per value was half the cost of
   * featurizing a control step, which a planner's trajectory request pays 20,000 times.
   */
  private record NumericNames(String namespace, int[] valueHashes, int[] missingHashes) {
    static final int CACHED = 64;

    static NumericNames of(String namespace) {
      int[] values = new int[CACHED];
      int[] missing = new int[CACHED];
      for (int i = 0; i < CACHED; i++) {
        values[i] = nameHash(namespace + ":" + i);
        missing[i] = nameHash(namespace + "m:" + i);
      }
      return new NumericNames(namespace, values, missing);
    }

    int valueHash(int i) {
      return i < CACHED ? valueHashes[i] : nameHash(namespace + ":" + i);
    }

    int missingHash(int i) {
      return i < CACHED ? missingHashes[i] : nameHash(namespace + "m:" + i);
    }
  }

  /**
   * Every pairwise product of the present state and action values, squares included ({@code q:s0*a1}): with the
   * values themselves, a reward quadratic in state and action is a linear function of the features.
   */
  private static void products(FeatureAccumulator acc, Numbers state, Numbers action) {
    int stateSize = state == null ? 0 : state.size();
    int size = stateSize + (action == null ? 0 : action.size());
    for (int p = 0; p < size; p++) {
      boolean pState = p < stateSize;
      Numbers first = pState ? state : action;
      int i = pState ? p : p - stateSize;
      if (!first.present(i)) {
        continue;
      }
      float x = first.value(i);
      for (int q = p; q < size; q++) {
        boolean qState = q < stateSize;
        Numbers second = qState ? state : action;
        int j = qState ? q : q - stateSize;
        if (second.present(j)) {
          acc.addHash(productHash(pState, i, qState, j), x * second.value(j));
        }
      }
    }
  }

  private static final int PRODUCTS_CACHED = 16;
  /** Hashes of the product names of the first {@value #PRODUCTS_CACHED} values of each vector, computed once. */
  private static final int[] PRODUCT_HASHES = new int[4 * PRODUCTS_CACHED * PRODUCTS_CACHED];

  static {
    for (int a = 0; a < 2; a++) {
      for (int b = 0; b < 2; b++) {
        for (int i = 0; i < PRODUCTS_CACHED; i++) {
          for (int j = 0; j < PRODUCTS_CACHED; j++) {
            PRODUCT_HASHES[((a * 2 + b) * PRODUCTS_CACHED + i) * PRODUCTS_CACHED + j] =
                productNameHash(a == 0, i, b == 0, j);
          }
        }
      }
    }
  }

  private static int productHash(boolean firstIsState, int i, boolean secondIsState, int j) {
    if (i < PRODUCTS_CACHED && j < PRODUCTS_CACHED) {
      return PRODUCT_HASHES[(((firstIsState ? 0 : 1) * 2 + (secondIsState ? 0 : 1)) * PRODUCTS_CACHED + i)
          * PRODUCTS_CACHED + j];
    }
    return productNameHash(firstIsState, i, secondIsState, j);
  }

  private static int productNameHash(boolean firstIsState, int i, boolean secondIsState, int j) {
    return nameHash("q:" + (firstIsState ? "s" : "a") + i + "*" + (secondIsState ? "s" : "a") + j);
  }

  private static final NumericNames STATE = NumericNames.of("s");
  private static final NumericNames ACTION = NumericNames.of("a");


}
