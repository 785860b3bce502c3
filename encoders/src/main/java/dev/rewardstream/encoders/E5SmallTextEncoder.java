package dev.rewardstream.encoders;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.e5smallv2q.E5SmallV2QuantizedEmbeddingModel;

/**
 * E5-small-v2 (Wang et al., Microsoft; 12 layers, 33M parameters, 8-bit quantized ONNX), 384 dimensions, inputs of up
 * to 512 word pieces at a time. Every text gets the "query: " prefix its authors prescribe when the embeddings are
 * features (linear probing, classification) rather than one side of a retrieval.
 */
public final class E5SmallTextEncoder extends OnnxSentenceEncoder {

  public static final String NAME = "e5-small-v2-q";

  private static final class Holder {
    static final E5SmallV2QuantizedEmbeddingModel MODEL = new E5SmallV2QuantizedEmbeddingModel();
  }

  public E5SmallTextEncoder() {
    super(NAME, 384, "query: ");
  }

  @Override
  EmbeddingModel model() {
    return Holder.MODEL;
  }
}
