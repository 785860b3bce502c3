package dev.rewardstream.encoders;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.rewardstream.model.TextEncoder;

/**
 * A sentence encoder that langchain4j ships with its weights and tokenizer inside a Maven Central jar, run on ONNX
 * Runtime's CPU provider in this process: nothing is downloaded. Mean pooled and L2-normalized; inputs longer than
 * the model's window are split and their embeddings averaged, as langchain4j does. A blank text encodes as the zero
 * vector (the featurizer then adds nothing).
 */
abstract class OnnxSentenceEncoder implements TextEncoder {

  private final String name;
  private final int dimension;
  private final String prefix;

  /** @param prefix what the model expects before every text (E5's "query: "), or empty */
  OnnxSentenceEncoder(String name, int dimension, String prefix) {
    this.name = name;
    this.dimension = dimension;
    this.prefix = prefix;
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
    float[] vector = model().embed(prefix + text).content().vector();
    if (vector.length != dimension) {
      throw new IllegalStateException(name + " returned " + vector.length + " dimensions, expected " + dimension);
    }
    return vector;
  }
}
