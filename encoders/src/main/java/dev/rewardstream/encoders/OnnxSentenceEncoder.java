package dev.rewardstream.encoders;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.rewardstream.model.TextEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A sentence encoder that langchain4j ships with its weights and tokenizer inside a Maven Central jar, run on ONNX
 * Runtime's CPU provider in this process: nothing is downloaded. Mean pooled and L2-normalized; inputs longer than
 * the model's window are split and their embeddings averaged, as langchain4j does. A blank text encodes as the zero
 * vector (the featurizer then adds nothing).
 */
abstract class OnnxSentenceEncoder implements TextEncoder {

  /**
   * Texts whose embeddings each JVM keeps per model: the scorer's retained windows (1,000 outputs of two texts per
   * task) with room to spare. About 1.5 kB each.
   */
  static final int CACHED_TEXTS = 8_192;

  /**
   * The embeddings of recently embedded texts, per model. The scorer rescores its retained outputs on every new
   * version and pair suggestions compare each output with its prompt's recent ones: without this both embed the same
   * texts again and again (hh-rlhf-live: with a version every 2 s the scorer fell minutes behind, re-embedding its
   * windows). Keyed by the text's SHA-256, so long dialogues are not held; a hit costs a digest, a miss tens of ms.
   */
  private static final Map<String, Map<TextKey, float[]>> CACHES = new ConcurrentHashMap<>();

  private record TextKey(long high, long low) {

    static TextKey of(String text) {
      try {
        ByteBuffer digest = ByteBuffer.wrap(MessageDigest.getInstance("SHA-256")
            .digest(text.getBytes(StandardCharsets.UTF_8)));
        return new TextKey(digest.getLong(), digest.getLong());
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every Java runtime has SHA-256", e);
      }
    }
  }

  private final String name;
  private final int dimension;
  private final String prefix;
  /** The model's cache, shared by every encoder instance of it in this JVM. */
  private final Map<TextKey, float[]> cache;

  /** @param prefix what the model expects before every text (E5's "query: "), or empty */
  OnnxSentenceEncoder(String name, int dimension, String prefix) {
    this.name = name;
    this.dimension = dimension;
    this.prefix = prefix;
    this.cache = CACHES.computeIfAbsent(name, model -> java.util.Collections.synchronizedMap(
        new LinkedHashMap<>(CACHED_TEXTS * 4 / 3 + 1, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<TextKey, float[]> eldest) {
            return size() > CACHED_TEXTS;
          }
        }));
  }

  /** The model, loaded on first use and shared by the JVM (it is thread-safe). */
  abstract EmbeddingModel model();

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final int dimension() {
    return dimension;
  }

  @Override
  public final float[] encode(String text) {
    if (text == null || text.isBlank()) {
      return new float[dimension];
    }
    TextKey key = TextKey.of(text);
    float[] cached = cache.get(key);
    if (cached != null) {
      return cached.clone();
    }
    float[] vector = model().embed(prefix + text).content().vector();
    if (vector.length != dimension) {
      throw new IllegalStateException(name + " returned " + vector.length + " dimensions, expected " + dimension);
    }
    cache.put(key, vector.clone());
    return vector;
  }
}
