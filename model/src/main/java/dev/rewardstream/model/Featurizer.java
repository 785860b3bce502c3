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
 * short ones: response words (unigrams, optional bigrams), optional response character n-grams, optional embeddings of
 * the response and of the final exchange by a pretrained {@link TextEncoder}, prompt words,
 * structural features (log response length,
 * log number of dialogue turns), and numeric state/action values with a mask feature for each missing value
 * (imputed as 0, never silently). Signed hashing keeps collisions unbiased.
 */
public final class Featurizer {

  private static final int SEED = 0x5eed_f00d;
  private final FeatureSpec spec;
  private final int mask;
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
    Accumulator acc = new Accumulator(2 * (responseTokens.size() + promptTokens.size()) + 8);
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
        acc.normalizeGroup();
        acc.startGroup();
        embedding(acc, "d", encoder.encode(prompt == null ? response
            : "Human: " + Dialogues.lastHumanTurn(prompt) + "\n\nAssistant: " + response));
        acc.normalizeGroup();
      }
    }
    if (prompt != null) {
      acc.startGroup();
      textFeatures(acc, PROMPT, promptTokens);
      acc.normalizeGroup();
    }
    structural(acc, prompt, responseTokens.size());
    acc.startGroup();
    numeric(acc, "s", interaction.getState());
    acc.normalizeGroup();
    acc.startGroup();
    numeric(acc, "a", interaction.getAction());
    acc.normalizeGroup();
    return acc.build(interaction.getResponse() == null ? -1 : responseTokens.size());
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

  /**
   * The {@link #tokens} of a text as their UTF-8 bytes in one buffer, written straight from the code points: hashing
   * needs the bytes, and building a String per token only to encode it again was a third of the featurizer's time.
   * Tokens never hold a surrogate (a surrogate is no letter or digit), so this is exactly {@code getBytes(UTF_8)} of
   * each token.
   */
  private static final class TokenBytes {

    static final TokenBytes EMPTY = new TokenBytes(new byte[0]);

    /** For each ASCII char: 0 when it is no letter or digit, else its lower-cased byte. */
    private static final byte[] ASCII_TOKEN_BYTES = new byte[0x80];

    static {
      for (int c = 0; c < 0x80; c++) {
        if (Character.isLetterOrDigit(c)) {
          ASCII_TOKEN_BYTES[c] = (byte) Character.toLowerCase(c);
        }
      }
    }

    private byte[] bytes;
    private int length;
    /** Token t spans bytes [ends[t - 1], ends[t]), with ends[-1] = 0. */
    private int[] ends = new int[16];
    private int size;

    private TokenBytes(byte[] bytes) {
      this.bytes = bytes;
    }

    static TokenBytes of(String text) {
      // Lower-casing never needs more than 3 UTF-8 bytes per char of the text (4 per surrogate pair).
      TokenBytes tokens = new TokenBytes(new byte[3 * text.length()]);
      boolean inToken = false;
      for (int i = 0; i < text.length(); ) {
        char c = text.charAt(i);
        if (c < 0x80) {
          // Most text is ASCII: a table lookup instead of the Unicode property and case-mapping calls.
          byte lower = ASCII_TOKEN_BYTES[c];
          if (lower != 0) {
            tokens.bytes[tokens.length++] = lower;
            inToken = true;
          } else if (inToken) {
            tokens.endToken();
            inToken = false;
          }
          i++;
          continue;
        }
        int cp = text.codePointAt(i);
        i += Character.charCount(cp);
        if (Character.isLetterOrDigit(cp)) {
          tokens.append(Character.toLowerCase(cp));
          inToken = true;
        } else if (inToken) {
          tokens.endToken();
          inToken = false;
        }
      }
      if (inToken) {
        tokens.endToken();
      }
      return tokens;
    }

    private void append(int cp) {
      if (length + 4 > bytes.length) {
        bytes = Arrays.copyOf(bytes, 2 * bytes.length + 4);
      }
      if (cp < 0x80) {
        bytes[length++] = (byte) cp;
      } else if (cp < 0x800) {
        bytes[length++] = (byte) (0xc0 | cp >> 6);
        bytes[length++] = (byte) (0x80 | cp & 0x3f);
      } else if (cp < 0x10000) {
        bytes[length++] = (byte) (0xe0 | cp >> 12);
        bytes[length++] = (byte) (0x80 | cp >> 6 & 0x3f);
        bytes[length++] = (byte) (0x80 | cp & 0x3f);
      } else {
        bytes[length++] = (byte) (0xf0 | cp >> 18);
        bytes[length++] = (byte) (0x80 | cp >> 12 & 0x3f);
        bytes[length++] = (byte) (0x80 | cp >> 6 & 0x3f);
        bytes[length++] = (byte) (0x80 | cp & 0x3f);
      }
    }

    private void endToken() {
      if (size == ends.length) {
        ends = Arrays.copyOf(ends, 2 * size);
      }
      ends[size++] = length;
    }

    int size() {
      return size;
    }

    int start(int token) {
      return token == 0 ? 0 : ends[token - 1];
    }

    int end(int token) {
      return ends[token];
    }

    List<String> strings() {
      List<String> strings = new ArrayList<>(size);
      for (int t = 0; t < size; t++) {
        strings.add(new String(bytes, start(t), end(t) - start(t), StandardCharsets.UTF_8));
      }
      return strings;
    }
  }

  /**
   * Hashes "{namespace}1:{token}" and "{namespace}2:{previous} {token}" as UTF-8 bytes assembled in one reusable
   * buffer: the same hashes as hashing those strings, without building them.
   */
  private void textFeatures(Accumulator acc, Namespace namespace, TokenBytes tokens) {
    byte[] text = tokens.bytes;
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
  private void charNgrams(Accumulator acc, String namespace, List<String> tokens, int n) {
    String folded = " " + String.join(" ", tokens) + " ";
    int[] cps = folded.codePoints().toArray();
    for (int i = 0; i + n <= cps.length; i++) {
      acc.addHashed(namespace + n + ":" + new String(cps, i, n), 1f);
    }
  }

  /** A dense embedding, each coordinate hashed like a named feature. */
  private void embedding(Accumulator acc, String namespace, float[] vector) {
    for (int i = 0; i < vector.length; i++) {
      acc.addHashed(namespace + "e:" + i, vector[i]);
    }
  }

  /** Not normalized: each is on a fixed scale of its own. */
  private void structural(Accumulator acc, String prompt, int responseTokens) {
    acc.addHashed("x:response_log_len", (float) (Math.log1p(responseTokens) / 5.0));
    if (prompt != null) {
      acc.addHashed("x:log_turns", (float) (Math.log1p(Dialogues.countTurns(prompt)) / 3.0));
    }
    acc.addHashed("x:bias", 1f);
  }

  private void numeric(Accumulator acc, String namespace, List<Float> values) {
    if (values == null) {
      return;
    }
    for (int i = 0; i < values.size(); i++) {
      Float v = values.get(i);
      if (v == null) {
        acc.addHashed(namespace + "m:" + i, 1f);
      } else {
        acc.addHashed(namespace + ":" + i, v);
      }
    }
  }

  /**
   * The signed hashed features of one interaction, group after group in one pair of arrays; each group is
   * L2-normalized in place once it is complete ({@link #normalizeGroup}).
   */
  private final class Accumulator {
    private int[] indices;
    private float[] values;
    private int size;
    private int groupStart;

    Accumulator(int capacity) {
      indices = new int[capacity];
      values = new float[capacity];
    }

    void addHashed(String feature, float value) {
      byte[] bytes = feature.getBytes(StandardCharsets.UTF_8);
      addHashed(bytes, bytes.length, value);
    }

    void addHashed(byte[] feature, int length, float value) {
      int h = murmur3(feature, length);
      add(h & mask, (h >>> 31) == 0 ? value : -value);
    }

    void add(int index, float value) {
      if (size == indices.length) {
        indices = Arrays.copyOf(indices, Math.max(16, size * 2));
        values = Arrays.copyOf(values, Math.max(16, size * 2));
      }
      indices[size] = index;
      values[size] = value;
      size++;
    }

    void startGroup() {
      groupStart = size;
    }

    /** Scales the features added since {@link #startGroup} to unit L2 norm; a group of norm 0 is left out. */
    void normalizeGroup() {
      double norm = 0;
      for (int i = groupStart; i < size; i++) {
        norm += (double) values[i] * values[i];
      }
      if (norm == 0) {
        size = groupStart;
        return;
      }
      float scale = (float) (1.0 / Math.sqrt(norm));
      for (int i = groupStart; i < size; i++) {
        values[i] *= scale;
      }
    }

    /**
     * Sums duplicate indices (a repeated word, a hash collision between groups), in insertion order per index so the
     * result is reproducible, then sorts the distinct indices. Duplicates are merged in an open-addressing table
     * first, so the sort sees the distinct features of a long text instead of every hashed one.
     */
    FeatureVector build(int responseTokens) {
      int capacity = Integer.highestOneBit(Math.max(8, 2 * size) - 1) << 1;
      int tableMask = capacity - 1;
      int[] positionPlusOne = new int[capacity];
      int[] distinctIndices = new int[size];
      float[] distinctValues = new float[size];
      int distinct = 0;
      for (int i = 0; i < size; i++) {
        int index = indices[i];
        int slot = finalMix(index) & tableMask;
        while (true) {
          int at = positionPlusOne[slot];
          if (at == 0) {
            distinctIndices[distinct] = index;
            distinctValues[distinct] = values[i];
            positionPlusOne[slot] = ++distinct;
            break;
          }
          if (distinctIndices[at - 1] == index) {
            distinctValues[at - 1] += values[i];
            break;
          }
          slot = (slot + 1) & tableMask;
        }
      }
      // Least-significant-digit radix sort on the index, at most 8 bits a pass (two passes of 7 for 2^14
      // features): no comparisons, so none of the mispredicted branches that made a comparison sort of ~40 hashed
      // (random) indices a tenth of the scorer's processing time.
      int passes = (Integer.bitCount(mask) + 7) / 8;
      int digitBits = (Integer.bitCount(mask) + passes - 1) / passes;
      int digitMask = (1 << digitBits) - 1;
      int[] sortedIndices = distinctIndices;
      float[] sortedValues = distinctValues;
      int[] starts = new int[digitMask + 2];
      for (int pass = 0, shift = 0; pass < passes; pass++, shift += digitBits) {
        Arrays.fill(starts, 0);
        for (int d = 0; d < distinct; d++) {
          starts[(sortedIndices[d] >>> shift & digitMask) + 1]++;
        }
        for (int digit = 0; digit <= digitMask; digit++) {
          starts[digit + 1] += starts[digit];
        }
        int[] nextIndices = new int[distinct];
        float[] nextValues = new float[distinct];
        for (int d = 0; d < distinct; d++) {
          int at = starts[sortedIndices[d] >>> shift & digitMask]++;
          nextIndices[at] = sortedIndices[d];
          nextValues[at] = sortedValues[d];
        }
        sortedIndices = nextIndices;
        sortedValues = nextValues;
      }
      return new FeatureVector(sortedIndices, sortedValues, responseTokens);
    }
  }

  /** Four bytes as one little-endian int in a single load, as MurmurHash3 reads its blocks. */
  private static final java.lang.invoke.VarHandle LITTLE_ENDIAN_INT =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  /** MurmurHash3 x86 32-bit: fast, well distributed and identical on every platform. */
  static int murmur3(byte[] data) {
    return murmur3(data, data.length);
  }

  static int murmur3(byte[] data, int length) {
    int h = SEED;
    int n = length & ~3;
    for (int i = 0; i < n; i += 4) {
      int k = (int) LITTLE_ENDIAN_INT.get(data, i);
      h ^= mixK(k);
      h = Integer.rotateLeft(h, 13) * 5 + 0xe6546b64;
    }
    int k = 0;
    switch (length & 3) {
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
    return finalMix(h ^ length);
  }

  /** MurmurHash3's finalizer: every bit of the result depends on every bit of the input. */
  static int finalMix(int h) {
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
