package dev.rewardstream.model;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The parameters of the featurizer. Its {@link #fingerprint()} travels with every training example and model version,
 * so a model is never applied to features it was not trained on.
 *
 * @param hashBits the feature space has 2^hashBits dimensions
 * @param bigrams whether word bigrams are hashed besides unigrams
 * @param charNgrams length of the response's character n-grams to hash as a further group; 0 turns them off
 */
public record FeatureSpec(int hashBits, boolean bigrams, int charNgrams) implements Serializable {

  /** Bump when the featurizer's code changes what it computes: old models must then be refused. */
  public static final int FEATURIZER_REVISION = 1;

  public static final FeatureSpec DEFAULT = new FeatureSpec(14, true, 0);

  public FeatureSpec {
    if (hashBits < 4 || hashBits > 24) {
      throw new IllegalArgumentException("hashBits must be in [4, 24], got " + hashBits);
    }
    if (charNgrams < 0 || charNgrams > 8) {
      throw new IllegalArgumentException("charNgrams must be in [0, 8], got " + charNgrams);
    }
  }

  /** Word features only. */
  public FeatureSpec(int hashBits, boolean bigrams) {
    this(hashBits, bigrams, 0);
  }

  public int dimension() {
    return 1 << hashBits;
  }

  public String fingerprint() {
    String canonical = "rewardstream-featurizer/r" + FEATURIZER_REVISION + "/bits=" + hashBits + "/bigrams=" + bigrams
        + (charNgrams > 0 ? "/chars=" + charNgrams : "");
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
      return "fs1-" + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
    }
  }
}
