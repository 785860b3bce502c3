package dev.rewardstream.scorer.pairs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.model.ArtifactStore;
import ai.djl.ndarray.NDManager;
import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.ModelArtifacts;
import dev.rewardstream.model.RewardNetwork;
import dev.rewardstream.schema.AttributeWeight;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.schema.PairSuggestion;
import dev.rewardstream.scorer.ModelHolder;
import dev.rewardstream.serde.InMemorySchemaRegistry;
import dev.rewardstream.serde.SerdeConfig;
import dev.rewardstream.serde.Topics;
import dev.rewardstream.testing.TopologyDrivers;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairSuggestionTopologyTest {

  private static final FeatureSpec SPEC = new FeatureSpec(10, false);
  private static final RewardNetwork.Architecture ENSEMBLE = new RewardNetwork.Architecture(SPEC.dimension(), 8, 4);
  private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

  @TempDir Path dir;

  private final Topics topics = Topics.using(SerdeConfig.of("in-memory"), new InMemorySchemaRegistry());
  private final PairSuggestionConfig config = new PairSuggestionConfig("reward", SPEC, 3, 1e-6);
  private NDManager manager;
  private ModelHolder models;
  private TopologyTestDriver driver;
  private TestInputTopic<String, Interaction> interactions;
  private TestInputTopic<byte[], byte[]> rawInteractions;
  private TestInputTopic<String, ModelUpdate> updates;
  private TestOutputTopic<String, PairSuggestion> suggestions;

  @BeforeEach
  void startDriver() {
    manager = NDManager.newBaseManager();
    models = new ModelHolder("reward", SPEC, ArtifactStore.at(dir.resolve("artifacts")));
    driver = TopologyDrivers.of(PairSuggestionTopology.build(config, topics, models), "pairs-test", dir.resolve("state"), T0);
    interactions = TopologyDrivers.input(driver, topics.interactions);
    rawInteractions = driver.createInputTopic(topics.interactions.name(), Serdes.ByteArray().serializer(),
        Serdes.ByteArray().serializer());
    updates = TopologyDrivers.input(driver, topics.modelUpdates);
    suggestions = TopologyDrivers.output(driver, topics.pairSuggestions);
  }

  @AfterEach
  void closeDriver() {
    driver.close();
    models.close();
    manager.close();
  }

  @Test
  void shouldSuggestTheMostInformativePartnerAmongTheSamePromptsRecentOutputs() throws Exception {
    // Given a live ensemble and two earlier answers to one prompt, and one to another prompt
    updates.pipeInput("reward", publish(1));
    interactions.pipeInput("a", interaction("a", "how do i reset it", "open settings then security"));
    interactions.pipeInput("other", interaction("other", "what is the weather", "sunny with some wind"));
    interactions.pipeInput("b", interaction("b", "how do i reset it", "i do not know"));
    suggestions.readValuesToList();

    // When a third answer to the first prompt arrives
    interactions.pipeInput("c", interaction("c", "how do i reset it", "turn it off and on again"));

    // Then one suggestion pairs it with an earlier answer to the same prompt, the one a label would teach most
    PairSuggestion suggestion = suggestions.readValue();
    assertThat(suggestions.isEmpty()).isTrue();
    assertThat(suggestion.getBInteractionId()).isEqualTo("c");
    assertThat(suggestion.getAInteractionId()).isIn("a", "b");
    assertThat(suggestion.getSuggestionId()).isEqualTo(suggestion.getAInteractionId() + "~c");
    assertThat(suggestion.getPrompt()).isEqualTo("how do i reset it");
    assertThat(suggestion.getModelVersion()).isEqualTo(1);
    assertThat(suggestion.getPA()).isBetween(0.0, 1.0);
    var live = models.live().orElseThrow();
    var featurizer = new dev.rewardstream.model.Featurizer(SPEC);
    double withA = live.pairInformation(
        featurizer.featurizeVector(interaction("a", "how do i reset it", "open settings then security")),
        featurizer.featurizeVector(interaction("c", "how do i reset it", "turn it off and on again"))).information();
    double withB = live.pairInformation(
        featurizer.featurizeVector(interaction("b", "how do i reset it", "i do not know")),
        featurizer.featurizeVector(interaction("c", "how do i reset it", "turn it off and on again"))).information();
    assertThat(suggestion.getAInteractionId()).isEqualTo(withA >= withB ? "a" : "b");
    assertThat(suggestion.getInformation()).isEqualTo(Math.max(withA, withB));
    assertThat(suggestion.getAttribute()).as("a model without attribute heads").isNull();
  }

  @Test
  void shouldSuggestNothingBeforeAVersionIsLiveNorForEqualAnswersNorFromUnreadableRecords() throws Exception {
    interactions.pipeInput("a", interaction("a", "q", "first answer"));
    interactions.pipeInput("b", interaction("b", "q", "second answer"));
    assertThat(suggestions.isEmpty()).as("no version live yet").isTrue();

    updates.pipeInput("reward", publish(1));
    rawInteractions.pipeInput("garbage".getBytes(), "not an interaction".getBytes());
    interactions.pipeInput("c", interaction("c", "q2", "same words"));
    interactions.pipeInput("d", interaction("d", "q2", "same words"));
    assertThat(suggestions.isEmpty()).as("equal answers teach nothing").isTrue();

    interactions.pipeInput("e", interaction("e", "q", "a third answer"));
    assertThat(suggestions.readValue().getBInteractionId()).isEqualTo("e");
  }

  @Test
  void shouldNameTheAttributeWhoseHeadALabelWouldTeachMost() throws Exception {
    // Given a live version with two attribute heads and two earlier answers to one prompt
    RewardNetwork.Architecture heads = new RewardNetwork.Architecture(SPEC.dimension(), 8, 4, 2);
    updates.pipeInput("reward", publish(1, heads, List.of(new AttributeWeight("helpful", 0.5),
        new AttributeWeight("concise", 0.5))));
    Interaction a = interaction("a", "how do i reset it", "open settings then security");
    Interaction b = interaction("b", "how do i reset it", "i do not know");
    Interaction c = interaction("c", "how do i reset it", "turn it off and on again");
    interactions.pipeInput("a", a);
    interactions.pipeInput("b", b);
    suggestions.readValuesToList();

    // When a third answer arrives
    interactions.pipeInput("c", c);

    // Then the suggestion names the (partner, attribute) whose label teaches its head most, with that head's figures
    PairSuggestion suggestion = suggestions.readValue();
    var live = models.live().orElseThrow();
    var featurizer = new dev.rewardstream.model.Featurizer(SPEC);
    double best = -1;
    String bestPartner = null;
    String bestAttribute = null;
    for (Interaction partner : List.of(a, b)) {
      for (String attribute : List.of("helpful", "concise")) {
        double information = live.informationFor(List.of(featurizer.featurizeVector(partner)),
            List.of(featurizer.featurizeVector(c)), attribute).information().information();
        if (information > best) {
          best = information;
          bestPartner = partner.getInteractionId();
          bestAttribute = attribute;
        }
      }
    }
    assertThat(suggestion.getAttribute()).isEqualTo(bestAttribute);
    assertThat(suggestion.getAInteractionId()).isEqualTo(bestPartner);
    assertThat(suggestion.getInformation()).isEqualTo(best);
  }

  private ModelUpdate publish(long version) throws Exception {
    return publish(version, ENSEMBLE, List.of());
  }

  private ModelUpdate publish(long version, RewardNetwork.Architecture architecture, List<AttributeWeight> attributes)
      throws Exception {
    ModelArtifacts.Written written = ModelArtifacts.write(dir.resolve("artifacts"), "reward", version,
        RewardNetwork.build(architecture, manager));
    return ModelUpdate.newBuilder().setModelName("reward").setVersion(version).setCreatedAt(T0)
        .setArtifactUri(written.uri().toString()).setSha256(written.sha256()).setFeatureSpec(SPEC.fingerprint())
        .setArchitecture(architecture.describe()).setRewardMean(0).setRewardStd(1).setExamplesTrained(100)
        .setMetrics(Map.of()).setAttributes(attributes).build();
  }

  private static Interaction interaction(String id, String prompt, String response) {
    return Interaction.newBuilder().setInteractionId(id).setAgentId("agent").setPolicyVersion("p1").setEventTime(T0)
        .setPrompt(prompt).setResponse(response).build();
  }
}
