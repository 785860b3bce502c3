package dev.rewardstream.encoders;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;

/**
 * all-MiniLM-L6-v2 (Reimers and Gurevych's sentence-transformers model, 6 layers, 22M parameters, 8-bit quantized
 * ONNX), 384 dimensions, inputs of up to 256 word pieces at a time.
 */
public final class MiniLmTextEncoder extends OnnxSentenceEncoder {

  public static final String NAME = "all-minilm-l6-v2-q";

  private static final class Holder {
    static final AllMiniLmL6V2QuantizedEmbeddingModel MODEL = new AllMiniLmL6V2QuantizedEmbeddingModel();
  }

  public MiniLmTextEncoder() {
    super(NAME, 384, "");
  }

  @Override
  EmbeddingModel model() {
    return Holder.MODEL;
  }
}
