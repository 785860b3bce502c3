package dev.rewardstream.model;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.rewardstream.schema.ModelUpdate;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Versioned model artifacts: one parameters file per version, named by model and version, with its sha256. The file is
 * read into memory once, hashed, and loaded from those same bytes, so what is verified is what is served.
 */
public final class ModelArtifacts {

  /** The name the trainer publishes under and the scorer serves unless configured otherwise (the key on model-updates). */
  public static final String DEFAULT_MODEL_NAME = "reward";

  private ModelArtifacts() {}

  /** Where a version was written and its digest. */
  public record Written(URI uri, String sha256) {}

  public static Written write(Path root, String modelName, long version, Block block) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(buffer)) {
      block.saveParameters(out);
    }
    byte[] bytes = buffer.toByteArray();
    Path dir = root.resolve(modelName);
    Files.createDirectories(dir);
    String sha256 = sha256(bytes);
    // Named by content too: a trainer that lost its turn to a standby but still writes its candidate for the same
    // version number cannot overwrite the file the published event names.
    Path target = dir.resolve(String.format("%s-v%06d-%s.params", modelName, version, sha256.substring(0, 12)));
    Path tmp = dir.resolve(target.getFileName() + ".tmp");
    Files.write(tmp, bytes);
    // Atomic rename: a reader never sees a half-written version.
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return new Written(target.toUri(), sha256);
  }

  /**
   * Verifies and loads a published version into a new network owned by {@code manager}.
   *
   * @throws ArtifactRejectedException when the artifact is outside {@code store}, missing, its digest differs, or it
   *     was trained on features other than {@code expected}
   */
  public static Block load(ModelUpdate update, FeatureSpec expected, ArtifactStore store, NDManager manager)
      throws ArtifactRejectedException {
    RewardNetwork.Architecture architecture = verifiedArchitecture(update, expected);
    Block block = RewardNetwork.build(architecture, manager);
    loadInto(update, expected, store, block, manager);
    return block;
  }

  /** Verifies a published version and loads its parameters into an existing, initialized network. */
  public static void loadInto(ModelUpdate update, FeatureSpec expected, ArtifactStore store, Block block,
      NDManager manager) throws ArtifactRejectedException {
    verifiedArchitecture(update, expected);
    byte[] bytes = verifiedBytes(update, store);
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      block.loadParameters(manager, in);
    } catch (IOException | MalformedModelException | RuntimeException e) {
      throw new ArtifactRejectedException("artifact " + update.getArtifactUri() + " is not a "
          + update.getArchitecture() + ": " + e.getMessage(), e);
    }
  }

  private static RewardNetwork.Architecture verifiedArchitecture(ModelUpdate update, FeatureSpec expected)
      throws ArtifactRejectedException {
    if (!update.getFeatureSpec().equals(expected.fingerprint())) {
      throw new ArtifactRejectedException("model " + update.getModelName() + " v" + update.getVersion()
          + " was trained on feature spec " + update.getFeatureSpec() + ", this featurizer is " + expected.fingerprint());
    }
    RewardNetwork.Architecture architecture;
    try {
      architecture = RewardNetwork.Architecture.parse(update.getArchitecture());
    } catch (IllegalArgumentException e) {
      throw new ArtifactRejectedException(e.getMessage(), e);
    }
    if (architecture.inputDim() != expected.dimension()) {
      throw new ArtifactRejectedException("architecture " + update.getArchitecture() + " does not take "
          + expected.dimension() + " features");
    }
    return architecture;
  }

  private static byte[] verifiedBytes(ModelUpdate update, ArtifactStore store) throws ArtifactRejectedException {
    Path file = store.resolve(update.getArtifactUri());
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ArtifactRejectedException("cannot read artifact " + update.getArtifactUri() + ": " + e, e);
    }
    String actual = sha256(bytes);
    if (!actual.equalsIgnoreCase(update.getSha256())) {
      throw new ArtifactRejectedException("artifact " + update.getArtifactUri() + " has sha256 " + actual
          + ", the model update says " + update.getSha256());
    }
    return bytes;
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
    }
  }
}
