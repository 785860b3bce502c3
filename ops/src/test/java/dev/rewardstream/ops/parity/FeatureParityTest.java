package dev.rewardstream.ops.parity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.model.ArtifactStore;
import ai.djl.ndarray.NDManager;
import dev.rewardstream.jobs.FeatureJobConfig;
import dev.rewardstream.jobs.FeaturizeInteraction;
import dev.rewardstream.jobs.InteractionEnvelope;
import dev.rewardstream.jobs.NormalizePerEnvironment;
import dev.rewardstream.jobs.RawRecord;
import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.LoadedModel;
import dev.rewardstream.model.ModelArtifacts;
import dev.rewardstream.model.RewardNetwork;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.schema.NormalizationStats;
import dev.rewardstream.schema.Score;
import dev.rewardstream.schema.SparseFeatures;
import dev.rewardstream.schema.internal.FeaturizedInteraction;
import dev.rewardstream.scorer.ModelHolder;
import dev.rewardstream.scorer.ScorerConfig;
import dev.rewardstream.scorer.ScorerTopology;
import dev.rewardstream.serde.InMemorySchemaRegistry;
import dev.rewardstream.serde.SerdeConfig;
import dev.rewardstream.serde.Topics;
import dev.rewardstream.testing.TopologyDrivers;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scorer computes bit-identical features for the same interaction as the feature job: the job's own operators
 * (normalize per environment, featurize) run under Flink's harnesses, the scorer topology under TopologyTestDriver
 * with the statistics the job exported, and the scorer's reward must equal the model's reward of the job's features
 * exactly — for text outputs and for numeric steps with missing values.
 */
class FeatureParityTest {

  private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

  @TempDir Path dir;

  private final FeatureSpec spec = new FeatureSpec(12, true, 3);
  private final FeatureJobConfig jobConfig = FeatureJobConfig.defaults(SerdeConfig.of("in-memory"));

  @Test
  void shouldScoreExactlyTheFeaturesTheJobTrainsOn() throws Exception {
    FeatureJobConfig config = new FeatureJobConfig(jobConfig.serde(), spec, jobConfig.maxTextChars(),
        jobConfig.unmatchedTimeout(), jobConfig.interactionRetention(), Map.of(), Duration.ofSeconds(1),
        jobConfig.attribution());
    List<Interaction> interactions = List.of(
        text("t-1", "How do I bake bread?", "Mix flour, water and yeast; knead, rest, then bake at 230°C."),
        text("t-2", "\n\nHuman: hi\n\nAssistant: hello\n\nHuman: tell me a joke", "Why did the chicken cross?"),
        step("s-1", Arrays.asList(0.5f, -1.25f, 3f), List.of(1f), 0.7),
        step("s-2", Arrays.asList(1.5f, null, 2f), List.of(0f), 1.3),
        step("s-3", Arrays.asList(-0.5f, 0.25f, 4f), List.of(1f), null));

    // The feature job: numeric interactions through the per-environment normalizer, everything featurized.
    List<Interaction> normalized = new ArrayList<>();
    NormalizationStats exported;
    try (var normalizer = ProcessFunctionTestHarnesses.forKeyedProcessFunction(new NormalizePerEnvironment(config),
        InteractionEnvelope::environment, Types.STRING)) {
      normalizer.open();
      for (Interaction interaction : interactions.subList(2, 5)) {
        normalizer.processElement(new InteractionEnvelope(interaction, new RawRecord("interactions", 0, 0, 0, null,
            new byte[0])), 0);
      }
      normalized.addAll(interactions.subList(0, 2));
      normalized.addAll(normalizer.extractOutputValues());
      normalizer.setProcessingTime(config.statsExportInterval().toMillis());
      exported = normalizer.getSideOutput(NormalizePerEnvironment.STATS).stream().map(StreamRecord::getValue)
          .reduce((a, b) -> b).orElseThrow();
    }
    List<SparseFeatures> jobFeatures;
    try (var featurize = ProcessFunctionTestHarnesses.forProcessFunction(new FeaturizeInteraction(config))) {
      featurize.open();
      for (Interaction interaction : normalized) {
        featurize.processElement(interaction, 0);
      }
      jobFeatures = featurize.extractOutputValues().stream().map(FeaturizedInteraction::getFeatures).toList();
    }

    // The scorer, given the statistics the job exported after the last step (the job normalized the last step with
    // exactly those; earlier steps saw earlier statistics, so only the last numeric step is compared).
    Topics topics = Topics.using(SerdeConfig.of("in-memory"), new InMemorySchemaRegistry());
    try (NDManager manager = NDManager.newBaseManager();
        ModelHolder models = new ModelHolder("reward", spec, ArtifactStore.at(dir))) {
      RewardNetwork.Architecture architecture = new RewardNetwork.Architecture(spec.dimension(), 8, 2);
      ModelArtifacts.Written written = ModelArtifacts.write(dir, "reward", 1, RewardNetwork.build(architecture,
          manager));
      ModelUpdate update = ModelUpdate.newBuilder().setModelName("reward").setVersion(1).setCreatedAt(T0)
          .setArtifactUri(written.uri().toString()).setSha256(written.sha256()).setFeatureSpec(spec.fingerprint())
          .setArchitecture(architecture.describe()).setRewardMean(0).setRewardStd(1).setExamplesTrained(1)
          .setMetrics(Map.of()).build();
      ScorerConfig scorerConfig = new ScorerConfig("reward", spec, 32_768, 100, Duration.ofSeconds(1));
      try (TopologyTestDriver driver = TopologyDrivers.of(ScorerTopology.build(scorerConfig, topics, models), "parity",
          dir.resolve("state"), T0)) {
        TopologyDrivers.input(driver, topics.normalizationStats).pipeInput(exported.getEnvironment(), exported);
        TopologyDrivers.input(driver, topics.modelUpdates).pipeInput("reward", update);
        var in = TopologyDrivers.input(driver, topics.interactions);
        var out = TopologyDrivers.output(driver, topics.scores);
        List<Interaction> compared = List.of(interactions.get(0), interactions.get(1), interactions.get(4));
        List<SparseFeatures> expectedFeatures = List.of(jobFeatures.get(0), jobFeatures.get(1), jobFeatures.get(4));
        compared.forEach(interaction -> in.pipeInput(interaction.getInteractionId(), interaction));
        List<Score> scores = out.readValuesToList();

        LoadedModel live = models.live().orElseThrow();
        float[] expected = live.score(expectedFeatures);
        assertThat(scores).hasSize(3);
        for (int i = 0; i < 3; i++) {
          assertThat(scores.get(i).getInteractionId()).isEqualTo(compared.get(i).getInteractionId());
          assertThat(scores.get(i).getRawReward()).as("reward of %s", compared.get(i).getInteractionId())
              .isEqualTo(expected[i]);
        }
        assertThat(expectedFeatures.get(2)).as("the numeric step is compared normalized, not raw")
            .isNotEqualTo(new dev.rewardstream.model.Featurizer(spec).featurize(interactions.get(4)));
      }
    }
  }

  private static Interaction text(String id, String prompt, String response) {
    return Interaction.newBuilder().setInteractionId(id).setAgentId("a").setPolicyVersion("p").setEventTime(T0)
        .setPrompt(prompt).setResponse(response).build();
  }

  private static Interaction step(String id, List<Float> state, List<Float> action, Double reward) {
    return Interaction.newBuilder().setInteractionId(id).setAgentId("a").setPolicyVersion("p").setEventTime(T0)
        .setEnvironment("arm").setState(state).setAction(action).setEnvReward(reward).build();
  }
}
