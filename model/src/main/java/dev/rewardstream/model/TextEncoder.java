package dev.rewardstream.model;

import java.util.ServiceLoader;

/**
 * A pretrained sentence encoder: text in, a fixed-length unit vector out. The featurizer adds its output as a dense
 * feature group when the {@link FeatureSpec} names one ({@link FeatureSpec#textEncoder()}), so what a bag of hashed
 * words cannot see (paraphrase, tone, what a reply does with the request) reaches the reward model.
 *
 * <p>Implementations are found by name through {@link ServiceLoader}, so the model module does not carry their
 * weights or native runtimes: a deployment that uses one puts its module on the class path. An encoder must be a pure
 * function of the text on a given platform, and thread-safe.
 */
public interface TextEncoder {

  /** The name a {@link FeatureSpec} refers to it by; part of the spec's fingerprint. */
  String name();

  /** Length of every vector {@link #encode} returns. */
  int dimension();

  /** The text's embedding, of length {@link #dimension()}. */
  float[] encode(String text);

  /** The name that turns text encoding off: the spec names no encoder. */
  String NONE = "none";

  /** Every encoder on the class path, by name. */
  static java.util.List<TextEncoder> available() {
    java.util.List<TextEncoder> found = new java.util.ArrayList<>();
    ServiceLoader.load(TextEncoder.class).forEach(found::add);
    found.sort(java.util.Comparator.comparing(TextEncoder::name));
    return found;
  }

  /** The encoder registered under {@code name}; fails with the list of names found when there is none. */
  static TextEncoder named(String name) {
    StringBuilder found = new StringBuilder();
    for (TextEncoder encoder : ServiceLoader.load(TextEncoder.class)) {
      if (encoder.name().equals(name)) {
        return encoder;
      }
      found.append(found.length() == 0 ? "" : ", ").append(encoder.name());
    }
    throw new IllegalStateException("no text encoder named \"" + name + "\" on the class path (found: "
        + (found.length() == 0 ? "none" : found) + "); add the module that provides it, e.g. rewardstream-encoders");
  }
}
