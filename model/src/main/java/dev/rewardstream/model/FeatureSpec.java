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
 * @param textEncoder name of a pretrained {@link TextEncoder} whose embeddings of the response, and of the final human
 *     turn with the response, are two further groups; empty turns them off
 * @param quadraticNumbers whether numeric state and action values keep their magnitude and come with their pairwise
 *     products, instead of each vector being scaled to unit length: a reward quadratic in state and action (a control
 *     cost such as −|a − K·s|²) is then linear in the features, and a planner can tell a small action from a large one
 * @param stepSeparator what separates the steps of a response ({@link ResponseSteps}), for process rewards: each step
 *     is featurized on its own and the response's reward is the sum of its steps'; empty: a response is one step
 */
public record FeatureSpec(int hashBits, boolean bigrams, int charNgrams, String textEncoder, boolean quadraticNumbers,
    String stepSeparator) implements Serializable {

  /** Bump when the featurizer's code changes what it computes: old models must then be refused. */
  public static final int FEATURIZER_REVISION = 1;

  /**
   * The L2 norm of each embedding group (each word group's is 1). At norm 1 a dense embedding coordinate is a fraction
   * of a word feature's size, and the default learner's per-coordinate prior and FTRL's L1/L2, set for words, held the
   * embedding's weights back; 2.5 is the best of the norms measured on HH-RLHF (docs/text-encoders.md). Part of an
   * encoder spec's fingerprint, so a version trained at another norm is refused.
   */
  public static final float EMBEDDING_NORM = 2.5f;

  /**
   * Hashed words of the response and of the prompt, no bigrams: measured, unigrams and bigrams normalized as one group
   * put half of each response's mass on rare bigram features, which online learners fit pairs through (memorizing
   * them) instead of learning the words (docs/label-efficiency.md).
   */
  public static final FeatureSpec DEFAULT = new FeatureSpec(14, false, 0);

  public FeatureSpec {
    if (hashBits < 4 || hashBits > 24) {
      throw new IllegalArgumentException("hashBits must be in [4, 24], got " + hashBits);
    }
    if (charNgrams < 0 || charNgrams > 8) {
      throw new IllegalArgumentException("charNgrams must be in [0, 8], got " + charNgrams);
    }
    textEncoder = textEncoder == null ? "" : textEncoder;
    stepSeparator = stepSeparator == null ? "" : stepSeparator;
    if (!textEncoder.matches("[a-z0-9.-]*")) {
      throw new IllegalArgumentException("textEncoder must be a name of [a-z0-9.-], got \"" + textEncoder + "\"");
    }
  }

  /** A response is one step. */
  public FeatureSpec(int hashBits, boolean bigrams, int charNgrams, String textEncoder, boolean quadraticNumbers) {
    this(hashBits, bigrams, charNgrams, textEncoder, quadraticNumbers, "");
  }

  /** With numeric vectors scaled to unit length, as before quadratic numbers existed. */
  public FeatureSpec(int hashBits, boolean bigrams, int charNgrams, String textEncoder) {
    this(hashBits, bigrams, charNgrams, textEncoder, false);
  }

  /** Hashed words and optional character n-grams, no text encoder. */
  public FeatureSpec(int hashBits, boolean bigrams, int charNgrams) {
    this(hashBits, bigrams, charNgrams, "");
  }

  /** Word features only. */
  public FeatureSpec(int hashBits, boolean bigrams) {
    this(hashBits, bigrams, 0);
  }

  /**
   * The default spec with the choices a user makes on the command line: how numbers become features
   * ({@link NumericFeatures#label}) and which text encoder, if any ({@link TextEncoder#NONE} for none), adds its
   * embedding. Every command that featurizes (the feature job, trainer, scorer, {@code up}) builds its spec here, so
   * one set of options gives one fingerprint everywhere.
   *
   * @throws IllegalArgumentException naming the modes known when {@code numericFeatures} is not one
   * @throws IllegalStateException naming the encoders on the class path when {@code textEncoder} is not one
   */
  public static FeatureSpec of(String numericFeatures, String textEncoder) {
    return of(numericFeatures, textEncoder, "");
  }

  /**
   * As {@link #of(String, String)}, with responses cut into steps at {@code stepSeparator} (the command line's form,
   * {@link ResponseSteps#separatedBy}); empty for none.
   */
  public static FeatureSpec of(String numericFeatures, String textEncoder, String stepSeparator) {
    FeatureSpec spec = NumericFeatures.named(numericFeatures).applyTo(DEFAULT)
        .withSteps(ResponseSteps.separatedBy(stepSeparator));
    if (textEncoder == null || textEncoder.isBlank() || textEncoder.equals(TextEncoder.NONE)) {
      return spec;
    }
    // Found now, so a name the class path does not hold fails the command at start, not its first featurizing.
    return spec.withTextEncoder(TextEncoder.named(textEncoder).name());
  }

  /** This spec with the response (and final human turn) also encoded by the named {@link TextEncoder}. */
  public FeatureSpec withTextEncoder(String name) {
    return new FeatureSpec(hashBits, bigrams, charNgrams, name, quadraticNumbers, stepSeparator);
  }

  /** This spec with numeric values kept at their scale and their pairwise products added. */
  public FeatureSpec withQuadraticNumbers() {
    return new FeatureSpec(hashBits, bigrams, charNgrams, textEncoder, true, stepSeparator);
  }

  /** This spec with responses cut into steps by {@code steps}. */
  public FeatureSpec withSteps(ResponseSteps steps) {
    return new FeatureSpec(hashBits, bigrams, charNgrams, textEncoder, quadraticNumbers, steps.separator());
  }

  /** How responses are cut into steps. */
  public ResponseSteps steps() {
    return ResponseSteps.separatedBy(ResponseSteps.escape(stepSeparator));
  }

  public int dimension() {
    return 1 << hashBits;
  }

  public String fingerprint() {
    String canonical = "rewardstream-featurizer/r" + FEATURIZER_REVISION + "/bits=" + hashBits + "/bigrams=" + bigrams
        + (charNgrams > 0 ? "/chars=" + charNgrams : "") + (textEncoder.isEmpty() ? ""
            : "/encoder=" + textEncoder + "/embedding-norm=" + EMBEDDING_NORM)
        + (quadraticNumbers ? "/numbers=quadratic" : "")
        + (stepSeparator.isEmpty() ? "" : "/steps=" + ResponseSteps.escape(stepSeparator));
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
      return "fs1-" + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
    }
  }
}
