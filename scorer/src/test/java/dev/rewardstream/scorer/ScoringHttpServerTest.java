package dev.rewardstream.scorer;

import static dev.rewardstream.scorer.LiveModelFixture.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.rewardstream.model.ArtifactStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.Featurizer;
import dev.rewardstream.model.LoadedModel;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoringHttpServerTest {

  private static final FeatureSpec SPEC = new FeatureSpec(10, true);
  private static final int MAX_TEXT = 200;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private final ScorerConfig config = new ScorerConfig("reward", SPEC, MAX_TEXT, 5, Duration.ofMillis(100));
  private final AtomicReference<KafkaStreams.State> streamsState = new AtomicReference<>(KafkaStreams.State.RUNNING);
  private final HttpClient client = HttpClient.newHttpClient();
  private ModelHolder models;
  private LiveModelFixture fixture;
  private ScoringHttpServer server;

  @BeforeEach
  void startServer() throws Exception {
    models = new ModelHolder("reward", SPEC, ArtifactStore.at(dir.resolve("artifacts")));
    fixture = new LiveModelFixture(dir.resolve("artifacts"), SPEC, 8);
    server = ScoringHttpServer.start("127.0.0.1", 0, models, config, streamsState::get, 2);
  }

  @AfterEach
  void stopServer() {
    server.close();
    models.close();
    fixture.close();
  }

  @Test
  void shouldRankCandidatesInTheOrderOfTheLiveModelsScores() throws Exception {
    // Given
    fixture.publish(models, 3);
    String prompt = "how do I reset my password?";
    List<String> candidates = IntStream.range(0, 12)
        .mapToObj(i -> "answer " + i + (i % 3 == 0 ? " open settings then security" : " I do not know")).toList();

    // When
    HttpResponse<String> response = post("/v1/rank", rankRequest(prompt, candidates));

    // Then
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("model_version").asLong()).isEqualTo(3);
    LoadedModel live = models.live().orElseThrow();
    Featurizer featurizer = new Featurizer(SPEC);
    float[] expected = live.score(candidates.stream().map(c -> featurizer.featurizeText(prompt, c)).toList());
    List<Integer> expectedOrder = IntStream.range(0, candidates.size()).boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> -expected[i]).thenComparingInt(i -> i)).toList();
    List<Integer> order = new ArrayList<>();
    for (JsonNode ranked : body.get("ranked")) {
      int index = ranked.get("index").asInt();
      order.add(index);
      assertThat(ranked.get("rank").asInt()).isEqualTo(order.size());
      assertThat(ranked.get("candidate").asText()).isEqualTo(candidates.get(index));
      assertThat((float) ranked.get("raw_reward").asDouble()).isEqualTo(expected[index]);
      assertThat(ranked.get("normalized_reward").asDouble()).isEqualTo(live.normalize(expected[index]));
    }
    assertThat(order).isEqualTo(expectedOrder);
  }

  @Test
  void shouldRankPessimisticallyWithTheEnsemblesUncertaintyOnEveryCandidate() throws Exception {
    // Given an ensemble, whose members disagree on each candidate by a different amount
    try (LiveModelFixture ensemble = new LiveModelFixture(dir.resolve("artifacts").resolve("ensemble"), SPEC, 8, 4)) {
      ensemble.publish(models, 4);
      String prompt = "which plan is safest?";
      List<String> candidates = IntStream.range(0, 10)
          .mapToObj(i -> "plan " + i + (i % 2 == 0 ? " check twice then act" : " act now and fast")).toList();
      ObjectNode request = (ObjectNode) JSON.readTree(rankRequest(prompt, candidates));

      // When
      JsonNode byMean = JSON.readTree(post("/v1/rank", request.toString()).body());
      HttpResponse<String> response = post("/v1/rank", request.put("by", "pessimistic").put("k", 2.0).toString());

      // Then each candidate carries the topic's fields, and the order is that of mean − k·std
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode body = JSON.readTree(response.body());
      assertThat(body.get("by").asText()).isEqualTo("pessimistic");
      var live = models.live().orElseThrow().scoreVectors(candidates.stream()
          .map(c -> new Featurizer(SPEC).featurizeVector(interaction(prompt, c))).toList());
      double previous = Double.POSITIVE_INFINITY;
      for (JsonNode ranked : body.get("ranked")) {
        int index = ranked.get("index").asInt();
        double mean = live.mean()[index];
        double std = live.std()[index];
        assertThat((float) ranked.get("std").asDouble()).isEqualTo((float) std);
        assertThat(ranked.get("pessimistic_reward").asDouble()).isEqualTo(mean - 2 * std);
        assertThat(ranked.get("optimistic_reward").asDouble()).isEqualTo(mean + 2 * std);
        assertThat(ranked.get("pessimistic_reward").asDouble()).isLessThanOrEqualTo(previous);
        previous = ranked.get("pessimistic_reward").asDouble();
      }
      assertThat(byMean.get("by").asText()).isEqualTo("mean");
      assertThat(byMean.get("k").asDouble()).as("the configured default").isEqualTo(config.uncertaintyPenalty());
      float largest = 0;
      for (float std : live.std()) {
        largest = Math.max(largest, std);
      }
      assertThat(largest).as("the members disagree").isPositive();
    }
  }

  private static dev.rewardstream.schema.Interaction interaction(String prompt, String response) {
    return dev.rewardstream.schema.Interaction.newBuilder().setInteractionId("i").setAgentId("a")
        .setPolicyVersion("p").setEventTime(java.time.Instant.parse("2026-11-01T10:00:00Z")).setPrompt(prompt)
        .setResponse(response).build();
  }

  @Test
  void shouldScoreOneResponseLikeTheTopology() throws Exception {
    // Given
    fixture.publish(models, 1);
    ObjectNode request = JSON.createObjectNode().put("prompt", "q").put("response", "a helpful answer");

    // When
    HttpResponse<String> response = post("/v1/score", request.toString());

    // Then
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.body());
    float expected = models.live().orElseThrow()
        .score(List.of(new Featurizer(SPEC).featurizeText("q", "a helpful answer")))[0];
    assertThat((float) body.get("raw_reward").asDouble()).isEqualTo(expected);
    assertThat(body.get("model_name").asText()).isEqualTo("reward");
    assertThat(body.get("model_version").asLong()).isEqualTo(1);
  }

  @Test
  void shouldAnswerEveryAttributeHeadsRewardBesideTheWeightedSum() throws Exception {
    try (LiveModelFixture heads = new LiveModelFixture(dir.resolve("artifacts").resolve("heads"), SPEC, 8, 2,
        dev.rewardstream.model.RewardAttributes.parse("helpful=0.7,concise=0.3"))) {
      heads.publish(models, 1);

      JsonNode scored = JSON.readTree(post("/v1/score",
          JSON.createObjectNode().put("prompt", "q").put("response", "a helpful answer").toString()).body());
      JsonNode ranked = JSON.readTree(post("/v1/rank", rankRequest("q", List.of("a", "b c d"))).body());
      JsonNode model = JSON.readTree(get("/v1/model").body());

      JsonNode attributes = scored.get("attribute_rewards");
      assertThat(scored.get("raw_reward").asDouble()).isCloseTo(0.7 * attributes.get("helpful").asDouble()
          + 0.3 * attributes.get("concise").asDouble(), org.assertj.core.api.Assertions.within(1e-5));
      assertThat(ranked.get("ranked")).allSatisfy(c -> assertThat(c.get("attribute_rewards").size()).isEqualTo(2));
      assertThat(model.get("attribute_weights").get("concise").asDouble()).isEqualTo(0.3);

      // Pair suggestions name the attribute whose head a label would teach most, or judge the one asked for.
      String candidates = JSON.writeValueAsString(List.of("a", "b c d", "e f", "g h i j"));
      Map<String, JsonNode> best = pairsByIndices(post("/v1/pairs", "{\"candidates\": " + candidates
          + ", \"top\": 6}"));
      Map<String, JsonNode> helpful = pairsByIndices(post("/v1/pairs", "{\"candidates\": " + candidates
          + ", \"top\": 6, \"attribute\": \"helpful\"}"));
      Map<String, JsonNode> concise = pairsByIndices(post("/v1/pairs", "{\"candidates\": " + candidates
          + ", \"top\": 6, \"attribute\": \"concise\"}"));
      assertThat(best).hasSize(6);
      assertThat(helpful.values()).allSatisfy(pair -> assertThat(pair.get("attribute").asText()).isEqualTo("helpful"));
      assertThat(concise.values()).allSatisfy(pair -> assertThat(pair.get("attribute").asText()).isEqualTo("concise"));
      best.forEach((indices, pair) -> {
        double forHelpful = helpful.get(indices).get("information").asDouble();
        double forConcise = concise.get(indices).get("information").asDouble();
        assertThat(pair.get("information").asDouble()).isEqualTo(Math.max(forHelpful, forConcise));
        assertThat(pair.get("attribute").asText()).as(indices)
            .isEqualTo(forConcise > forHelpful ? "concise" : "helpful");
      });
      assertError(post("/v1/pairs", "{\"candidates\": " + candidates + ", \"attribute\": \"tone\"}"), 400,
          "attribute 'tone' is not one of this model's heads");
    }
  }

  /** Each suggested pair by "a-b". */
  private static Map<String, JsonNode> pairsByIndices(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Map<String, JsonNode> byIndices = new java.util.HashMap<>();
    for (JsonNode pair : JSON.readTree(response.body()).get("pairs")) {
      byIndices.put(pair.get("a").asInt() + "-" + pair.get("b").asInt(), pair);
    }
    return byIndices;
  }

  @Test
  void shouldAnswerEachPrefixsRewardAndTheFirstBadStepOfAResponseMadeOfSteps() throws Exception {
    FeatureSpec stepped = SPEC.withSteps(dev.rewardstream.model.ResponseSteps.separatedBy("\\n"));
    ScorerConfig steppedConfig = new ScorerConfig("reward", stepped, MAX_TEXT, 5, Duration.ofMillis(100), 1.0, 0.99,
        16, 0.0);
    try (ModelHolder holder = new ModelHolder("reward", stepped, ArtifactStore.at(dir.resolve("steps")));
        LiveModelFixture network = new LiveModelFixture(dir.resolve("steps"), stepped, 8);
        ScoringHttpServer steps = ScoringHttpServer.start("127.0.0.1", 0, holder, steppedConfig,
            streamsState::get, 2)) {
      network.publish(holder, 1);

      JsonNode body = JSON.readTree(send(client, "POST", steps.url() + "/v1/score", JSON.createObjectNode()
          .put("prompt", "q").put("response", "step one\nstep two\nstep three").toString()).body());

      float[] rewards = holder.live().orElseThrow().score(List.of(new Featurizer(stepped).featurizeText("q",
          "step one"), new Featurizer(stepped).featurizeText("q", "step two"),
          new Featurizer(stepped).featurizeText("q", "step three")));
      JsonNode prefixes = body.get("prefix_rewards");
      assertThat(prefixes).hasSize(3);
      assertThat(prefixes.get(1).asDouble()).isCloseTo(rewards[0] + rewards[1], within(1e-5));
      assertThat(body.get("raw_reward").asDouble()).isCloseTo(prefixes.get(2).asDouble(), within(1e-5));
      int firstBad = rewards[0] < 0 ? 0 : rewards[1] < 0 ? 1 : rewards[2] < 0 ? 2 : -1;
      assertThat(body.get("first_bad_step").isNull() ? -1 : body.get("first_bad_step").asInt()).isEqualTo(firstBad);
    }
  }

  @Test
  void shouldAnswer503UntilAModelVersionIsLive() throws Exception {
    // Given no version published yet

    // When
    HttpResponse<String> rank = post("/v1/rank", rankRequest("q", List.of("a", "b")));
    HttpResponse<String> model = get("/v1/model");
    HttpResponse<String> health = get("/health");

    // Then
    assertThat(rank.statusCode()).isEqualTo(503);
    assertThat(JSON.readTree(rank.body()).get("error").asText()).contains("no version of model 'reward' is live");
    assertThat(model.statusCode()).isEqualTo(503);
    assertThat(health.statusCode()).isEqualTo(503);
    assertThat(JSON.readTree(health.body()).get("reason").asText()).contains("waiting for the first model version");

    // And once one lands
    fixture.publish(models, 1);
    assertThat(post("/v1/rank", rankRequest("q", List.of("a", "b"))).statusCode()).isEqualTo(200);
  }

  @Test
  void shouldSuggestThePairsWhoseLabelTeachesTheEnsembleMostFirst() throws Exception {
    // Given an ensemble whose members disagree, and candidates two of which are the same text
    try (LiveModelFixture ensemble = new LiveModelFixture(dir.resolve("artifacts").resolve("ensemble"), SPEC, 8, 4)) {
      ensemble.publish(models, 1);
      List<String> candidates = List.of("open settings then security", "i do not know",
          "open settings then security", "turn it off and on again");

      // When
      HttpResponse<String> response = post("/v1/pairs", "{\"prompt\": \"how do i reset it\", \"candidates\": "
          + JSON.writeValueAsString(candidates) + ", \"top\": 6}");

      // Then every pair comes, most informative first; the pair of equal texts teaches nothing and comes last
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode body = JSON.readTree(response.body());
      assertThat(body.get("model_version").asLong()).isEqualTo(1);
      JsonNode pairs = body.get("pairs");
      assertThat(pairs).hasSize(6);
      double previous = Double.MAX_VALUE;
      for (JsonNode pair : pairs) {
        assertThat(pair.get("information").asDouble()).isLessThanOrEqualTo(previous).isBetween(0.0, Math.log(2));
        assertThat(pair.get("p_a").asDouble()).isBetween(0.0, 1.0);
        assertThat(pair.get("a").asInt()).isLessThan(pair.get("b").asInt());
        previous = pair.get("information").asDouble();
      }
      assertThat(pairs.get(0).get("information").asDouble()).isPositive();
      assertThat(pairs.get(5).get("a").asInt()).isZero();
      assertThat(pairs.get(5).get("b").asInt()).isEqualTo(2);
      assertThat(pairs.get(5).get("information").asDouble()).isZero();
      assertThat(JSON.readTree(post("/v1/pairs", "{\"candidates\": " + JSON.writeValueAsString(candidates) + "}")
          .body()).get("pairs")).as("five by default").hasSize(5);
      assertError(post("/v1/pairs", "{\"candidates\": [\"only one\"]}"), 400, "at least two");
      assertError(post("/v1/pairs", "{\"candidates\": [\"a\", \"b\"], \"top\": 0}"), 400, "top must be");
    }
  }

  @Test
  void shouldRefuseMalformedAndOutOfBoundsRequestsWith400() throws Exception {
    // Given
    fixture.publish(models, 1);
    List<String> tooMany = IntStream.range(0, ScoringHttpServer.DEFAULT_MAX_CANDIDATES + 1)
        .mapToObj(i -> "c" + i).toList();

    // When / Then
    assertError(post("/v1/rank", rankRequest("q", List.of())), 400, "candidates is empty");
    assertError(post("/v1/rank", rankRequest("q", tooMany)), 400, "has 257 entries, the limit is 256");
    assertError(post("/v1/rank", rankRequest("q", List.of("fine", "x".repeat(MAX_TEXT + 1)))), 400,
        "candidates[1]: response has 201 characters, the limit is 200");
    assertError(post("/v1/rank", rankRequest("y".repeat(MAX_TEXT + 1), List.of("fine"))), 400,
        "prompt has 201 characters");
    assertError(post("/v1/rank", "{\"prompt\": \"q\", \"candidates\": [\"a\", 7]}"), 400, "candidates[1] is not a string");
    assertError(post("/v1/rank", "{\"prompt\": \"q\"}"), 400, "candidates must be an array");
    assertError(post("/v1/rank", "{\"prompt\": 5, \"candidates\": [\"a\"]}"), 400, "prompt must be a string");
    assertError(post("/v1/rank", "not json"), 400, "not valid JSON");
    assertError(post("/v1/rank", "[1, 2]"), 400, "must be a JSON object");
    assertError(post("/v1/score", "{\"prompt\": \"q\"}"), 400, "response must be a string");
    assertError(get("/v1/rank"), 405, "use POST");
    assertError(get("/v2/nothing"), 404, "no such endpoint");
  }

  @Test
  void shouldReportHealthFromTheModelAndTheStreamsState() throws Exception {
    // Given
    fixture.publish(models, 2);

    // When / Then
    HttpResponse<String> healthy = get("/health");
    assertThat(healthy.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(healthy.body()).get("model_version").asLong()).isEqualTo(2);

    streamsState.set(KafkaStreams.State.REBALANCING);
    HttpResponse<String> rebalancing = get("/health");
    assertThat(rebalancing.statusCode()).isEqualTo(503);
    assertThat(JSON.readTree(rebalancing.body()).get("reason").asText()).contains("REBALANCING");
  }

  @Test
  void shouldDescribeTheLiveVersion() throws Exception {
    // Given
    fixture.publish(models, 1);
    fixture.publish(models, 2);

    // When
    HttpResponse<String> response = get("/v1/model");

    // Then
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("model_version").asLong()).isEqualTo(2);
    assertThat(body.get("feature_spec").get("fingerprint").asText()).isEqualTo(SPEC.fingerprint());
    assertThat(body.get("feature_spec").get("hash_bits").asInt()).isEqualTo(10);
    assertThat(body.get("metrics").get("pairwise_accuracy").asDouble()).isEqualTo(0.75);
    assertThat(body.get("reward_std").asDouble()).isEqualTo(2.0);
  }

  private static String rankRequest(String prompt, List<String> candidates) {
    ObjectNode request = JSON.createObjectNode().put("prompt", prompt);
    ArrayNode array = request.putArray("candidates");
    candidates.forEach(array::add);
    return request.toString();
  }

  private void assertError(HttpResponse<String> response, int status, String message) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(JSON.readTree(response.body()).get("error").asText()).contains(message);
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return send(client, "POST", server.url() + path, body);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(client, "GET", server.url() + path, null);
  }
}
