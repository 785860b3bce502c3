package dev.rewardstream.encoders;

import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.rewardstream.model.TextEncoder;

/**
 * all-MiniLM-L6-v2 (Reimers and Gurevych's sentence-transformers model, 22M parameters, 8-bit quantized ONNX), mean
 * pooled and L2-normalized to 384 dimensions. Weights and tokenizer ship inside a Maven Central jar and run on ONNX
 * Runtime's CPU provider: nothing is downloaded. Inputs longer than the model's 256 word pieces are split and their
 * embeddings averaged, as langchain4j does. A blank text encodes as the zero vector (the featurizer then adds nothing).
 *
 * <p>One model per JVM, loaded on first use and shared: it is thread-safe.
 */
public final class MiniLmTextEncoder implements TextEncoder {

  public static final String NAME = "all-minilm-l6-v2-q";
  private static final int DIMENSION = 384;

  private static final class Holder {
    static final AllMiniLmL6V2QuantizedEmbeddingModel MODEL = new AllMiniLmL6V2QuantizedEmbeddingModel();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int dimension() {
    return DIMENSION;
  }

  @Override
  public float[] encode(String text) {
    if (text == null || text.isBlank()) {
      return new float[DIMENSION];
    }
    float[] vector = Holder.MODEL.embed(text).content().vector();
    if (vector.length != DIMENSION) {
      throw new IllegalStateException(NAME + " returned " + vector.length + " dimensions, expected " + DIMENSION);
    }
    return vector;
  }
}
