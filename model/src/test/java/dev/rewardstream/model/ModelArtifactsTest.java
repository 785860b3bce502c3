package dev.rewardstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.schema.SparseFeatures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelArtifactsTest {

  private static final FeatureSpec SPEC = new FeatureSpec(10, true);
  private static final RewardNetwork.Architecture ARCH = new RewardNetwork.Architecture(SPEC.dimension(), 8);

  @TempDir Path root;

  private final Featurizer featurizer = new Featurizer(SPEC);
  private final List<SparseFeatures> rows = List.of(
      featurizer.featurizeText("q", "a helpful answer"), featurizer.featurizeText("q", "go away"));

  @Test
  void shouldServeExactlyWhatWasTrained() throws Exception {
    try (NDManager manager = NDManager.newBaseManager()) {
      Block trained = RewardNetwork.build(ARCH, manager);
      float[] expected = RewardNetwork.memberRewards(trained, new ParameterStore(manager, false), manager, rows,
          SPEC.dimension(), false).reshape(-1).toFloatArray();
      ModelArtifacts.Written written = ModelArtifacts.write(root, "reward", 7, trained);

      try (LoadedModel loaded = LoadedModel.load(update(written.uri().toString(), written.sha256(), SPEC), SPEC, store())) {
        assertThat(loaded.score(rows)).containsExactly(expected, org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(loaded.version()).isEqualTo(7);
      }
    }
  }

  /** Linear (hidden 0) and MLP members: the sparse inference lays both out interleaved by input. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {0, 8})
  void shouldServeAnEnsembleWithItsSpreadAsUncertainty(int hidden) throws Exception {
    RewardNetwork.Architecture ensemble = new RewardNetwork.Architecture(SPEC.dimension(), hidden, 4);
    try (NDManager manager = NDManager.newBaseManager()) {
      Block trained = RewardNetwork.build(ensemble, manager);
      float[] flat = RewardNetwork.memberRewards(trained, new ParameterStore(manager, false), manager, rows,
          SPEC.dimension(), false).toFloatArray();
      float[][] members = {java.util.Arrays.copyOfRange(flat, 0, 4), java.util.Arrays.copyOfRange(flat, 4, 8)};
      ModelArtifacts.Written written = ModelArtifacts.write(root, "reward", 3, trained);
      ModelUpdate update = update(written.uri().toString(), written.sha256(), SPEC);
      update.setArchitecture(ensemble.describe());

      try (LoadedModel loaded = LoadedModel.load(update, SPEC, store())) {
        Ensemble scored = loaded.scoreWithUncertainty(rows);
        for (int row = 0; row < rows.size(); row++) {
          double mean = 0;
          for (float m : members[row]) {
            mean += m / 4.0;
          }
          double variance = 0;
          for (float m : members[row]) {
            variance += (m - mean) * (m - mean) / 4.0;
          }
          assertThat(scored.mean()[row]).isCloseTo((float) mean, org.assertj.core.data.Offset.offset(1e-5f));
          assertThat(scored.std()[row]).isCloseTo((float) Math.sqrt(variance), org.assertj.core.data.Offset.offset(1e-5f))
              .isGreaterThan(0f);
        }
      }
    }
  }

  @Test
  void shouldRefuseACorruptArtifact() throws Exception {
    ModelArtifacts.Written written;
    try (NDManager manager = NDManager.newBaseManager()) {
      written = ModelArtifacts.write(root, "reward", 1, RewardNetwork.build(ARCH, manager));
    }
    Path file = Path.of(written.uri());
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x55;
    Files.write(file, bytes);

    assertThatThrownBy(() -> LoadedModel.load(update(written.uri().toString(), written.sha256(), SPEC), SPEC, store()))
        .isInstanceOf(ArtifactRejectedException.class).hasMessageContaining("sha256");
  }

  @Test
  void shouldRefuseAModelTrainedOnOtherFeatures() throws Exception {
    ModelArtifacts.Written written;
    try (NDManager manager = NDManager.newBaseManager()) {
      written = ModelArtifacts.write(root, "reward", 1, RewardNetwork.build(ARCH, manager));
    }
    FeatureSpec other = new FeatureSpec(10, false);

    assertThatThrownBy(() -> LoadedModel.load(update(written.uri().toString(), written.sha256(), SPEC), other, store()))
        .isInstanceOf(ArtifactRejectedException.class).hasMessageContaining("feature spec");
    assertThatThrownBy(() -> LoadedModel.load(update(root.resolve("missing").toUri().toString(), "00", SPEC), SPEC, store()))
        .isInstanceOf(ArtifactRejectedException.class).hasMessageContaining("cannot read");
  }

  /**
   * Whoever can write model-updates names the artifact: a file outside the trainer's directory is never read, however
   * it is named and whatever digest comes with it.
   */
  @Test
  void shouldRefuseAnArtifactOutsideTheStore(@TempDir Path elsewhere) throws Exception {
    ModelArtifacts.Written written;
    try (NDManager manager = NDManager.newBaseManager()) {
      written = ModelArtifacts.write(root, "reward", 1, RewardNetwork.build(ARCH, manager));
    }
    Path outside = Files.copy(Path.of(written.uri()), elsewhere.resolve("copy.params"));
    Path link = Files.createSymbolicLink(root.resolve("reward").resolve("link.params"), outside);
    // ../ out of the store, to the same copy (both temporary directories share a parent)
    String traversal = root.toUri() + "reward/../../" + elsewhere.getFileName() + "/copy.params";

    for (String uri : List.of(outside.toUri().toString(), link.toUri().toString(), traversal)) {
      assertThatThrownBy(() -> LoadedModel.load(update(uri, written.sha256(), SPEC), SPEC, store()))
          .as(uri).isInstanceOf(ArtifactRejectedException.class).hasMessageContaining("outside the artifact store");
    }
    assertThatThrownBy(() -> LoadedModel.load(update("https://example.com/reward.params", written.sha256(), SPEC),
        SPEC, store())).isInstanceOf(ArtifactRejectedException.class).hasMessageContaining("is not a file");
    // The same bytes inside the store are served
    try (LoadedModel loaded = LoadedModel.load(update(written.uri().toString(), written.sha256(), SPEC), SPEC,
        store())) {
      assertThat(loaded.version()).isEqualTo(7);
    }
  }

  private ArtifactStore store() {
    return ArtifactStore.at(root);
  }

  private static ModelUpdate update(String uri, String sha256, FeatureSpec spec) {
    return ModelUpdate.newBuilder().setModelName("reward").setVersion(7).setCreatedAt(Instant.now())
        .setArtifactUri(uri).setSha256(sha256).setFeatureSpec(spec.fingerprint()).setArchitecture(ARCH.describe())
        .setRewardMean(0).setRewardStd(1).setExamplesTrained(0).setMetrics(Map.of()).build();
  }
}
