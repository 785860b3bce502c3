package dev.rewardstream.scorer;

import ai.djl.ndarray.NDManager;
import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.ModelArtifacts;
import dev.rewardstream.model.RewardNetwork;
import dev.rewardstream.model.RewardAttributes;
import dev.rewardstream.schema.ModelUpdate;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/** A real, randomly initialised reward network written as a verified artifact and offered to a {@link ModelHolder}. */
final class LiveModelFixture implements AutoCloseable {

  private final NDManager manager = NDManager.newBaseManager();
  private final Path artifacts;
  private final FeatureSpec spec;
  private final RewardNetwork.Architecture architecture;
  private final RewardAttributes attributes;

  LiveModelFixture(Path artifacts, FeatureSpec spec, int hidden) {
    this(artifacts, spec, hidden, 1);
  }

  /** An ensemble of {@code members} independently initialized networks, which disagree wherever inputs differ. */
  LiveModelFixture(Path artifacts, FeatureSpec spec, int hidden, int members) {
    this(artifacts, spec, hidden, members, RewardAttributes.SINGLE);
  }

  /** With one head per attribute, each its own randomly initialized network. */
  LiveModelFixture(Path artifacts, FeatureSpec spec, int hidden, int members, RewardAttributes attributes) {
    this.artifacts = artifacts;
    this.spec = spec;
    this.architecture = new RewardNetwork.Architecture(spec.dimension(), hidden, members, attributes.heads());
    this.attributes = attributes;
  }

  /** Publishes {@code version} into {@code models}; it is live when this returns. */
  ModelUpdate publish(ModelHolder models, long version) throws IOException {
    ModelArtifacts.Written written =
        ModelArtifacts.write(artifacts, "reward", version, RewardNetwork.build(architecture, manager));
    ModelUpdate update = ModelUpdate.newBuilder().setModelName("reward").setVersion(version)
        .setCreatedAt(Instant.parse("2026-11-01T10:00:00Z")).setArtifactUri(written.uri().toString())
        .setSha256(written.sha256()).setFeatureSpec(spec.fingerprint()).setArchitecture(architecture.describe())
        .setRewardMean(0.5).setRewardStd(2.0).setExamplesTrained(100)
        .setMetrics(Map.of("pairwise_accuracy", 0.75)).setAttributes(attributes.toAvro()).build();
    if (!models.offer(update)) {
      throw new IllegalStateException("version " + version + " was not accepted");
    }
    return update;
  }

  static HttpResponse<String> send(HttpClient client, String method, String url, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json");
    request = body == null ? request.method(method, HttpRequest.BodyPublishers.noBody())
        : request.method(method, HttpRequest.BodyPublishers.ofString(body));
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    manager.close();
  }
}
