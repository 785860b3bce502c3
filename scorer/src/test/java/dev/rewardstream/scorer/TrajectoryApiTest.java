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
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.NormalizationStats;
import dev.rewardstream.schema.Score;
import dev.rewardstream.schema.api.PackedTrajectory;
import dev.rewardstream.schema.api.ScoredTrajectory;
import dev.rewardstream.schema.api.TrajectoryRequest;
import dev.rewardstream.schema.api.TrajectoryResponse;
import dev.rewardstream.serde.InMemorySchemaRegistry;
import dev.rewardstream.serde.SerdeConfig;
import dev.rewardstream.serde.Topics;
import dev.rewardstream.testing.TopologyDrivers;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/trajectories} against the stream: the scorer topology (under TopologyTestDriver) and the API share
 * one model holder and one normalization table, as in {@link ScorerService}, and the same steps must get the same
 * rewards on both paths.
 */
class TrajectoryApiTest {

  private static final FeatureSpec SPEC = new FeatureSpec(10, true);
  private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int STATE_DIM = 3;
  private static final int ACTION_DIM = 2;

  @TempDir Path dir;

  private final ScorerConfig config = new ScorerConfig("reward", SPEC, 1_000, 5, Duration.ofMillis(100), 1.5, 0.9, 300);
  private final Topics topics = Topics.using(SerdeConfig.of("in-memory"), new InMemorySchemaRegistry());
  private final NormalizationTable normalization = new NormalizationTable();
  private final HttpClient client = HttpClient.newHttpClient();
  private final Random random = new Random(7);
  private ModelHolder models;
  private LiveModelFixture fixture;
  private ScoringHttpServer server;
  private TopologyTestDriver driver;

  @BeforeEach
  void start() throws Exception {
    models = new ModelHolder("reward", SPEC, ArtifactStore.at(dir.resolve("artifacts")));
    fixture = new LiveModelFixture(dir.resolve("artifacts"), SPEC, 8, 4);
    driver = TopologyDrivers.of(ScorerTopology.build(config, topics, models, normalization), "trajectories",
        dir.resolve("state"), T0);
    TopologyDrivers.input(driver, topics.normalizationStats).pipeInput("arm", stats("arm"));
    fixture.publish(models, 3);
    server = ScoringHttpServer.start("127.0.0.1", 0, models, normalization, config,
        () -> KafkaStreams.State.RUNNING, 2, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
  }

  @AfterEach
  void stop() {
    server.close();
    driver.close();
    models.close();
    fixture.close();
  }

  @Test
  void shouldGiveEachStepTheRewardTheStreamGivesIt() throws Exception {
    // Given two episodes of steps, one with a missing state value
    List<List<float[][]>> trajectories = List.of(trajectory(5), trajectory(4));
    trajectories.get(1).get(2)[0] = new float[] {0.5f, Float.NaN, -1f};

    // When they go through the topic and through the API
    var in = TopologyDrivers.input(driver, topics.interactions);
    for (int t = 0; t < trajectories.size(); t++) {
      for (int i = 0; i < trajectories.get(t).size(); i++) {
        Interaction step = step("e" + t, i, trajectories.get(t).get(i), i == trajectories.get(t).size() - 1);
        in.pipeInput("e" + t, step);
      }
    }
    List<Score> streamed = TopologyDrivers.output(driver, topics.scores).readRecordsToList().stream()
        .map(TestRecord::value).toList();
    JsonNode body = post(request(trajectories).put("gamma", config.discount()).put("k", 1.5));

    // Then every step has the stream's reward and std, and the return is the stream's discounted return
    assertThat(body.get("model_version").asLong()).isEqualTo(3);
    assertThat(body.get("environment").asText()).isEqualTo("arm");
    int scoreAt = 0;
    List<Float> allRewards = new ArrayList<>();
    for (int t = 0; t < trajectories.size(); t++) {
      JsonNode scored = byIndex(body, t);
      for (int i = 0; i < trajectories.get(t).size(); i++) {
        Score score = streamed.get(scoreAt++);
        assertThat(score.getInteractionId()).isEqualTo("e" + t + "-" + i);
        assertThat((float) scored.get("step_rewards").get(i).asDouble()).as("step %d of %d", i, t)
            .isEqualTo((float) score.getRawReward());
        assertThat((float) scored.get("step_stds").get(i).asDouble()).isEqualTo((float) score.getUncertainty());
        allRewards.add((float) score.getRawReward());
      }
      double streamReturn = streamed.get(scoreAt - 1).getDiscountedReturn();
      assertThat(scored.get("return_mean").asDouble()).isCloseTo(streamReturn, within(1e-6));
    }
    assertThat(allRewards.stream().distinct().count()).as("steps that differ get different rewards")
        .isEqualTo(allRewards.size());
  }

  @Test
  void shouldTakeTheReturnsStdAcrossMembersNotASumOfStepStds() throws Exception {
    // Given enough steps to be scored in parallel
    List<List<float[][]>> trajectories = new ArrayList<>();
    for (int t = 0; t < 260; t++) {
      trajectories.add(trajectory(16));
    }
    assertThat(260 * 16).isGreaterThanOrEqualTo(TrajectoryScorer.PARALLEL_STEPS);

    // When
    JsonNode body = post(request(trajectories).put("gamma", 0.8).put("k", 2.0).put("by", "pessimistic"));

    // Then each member's own discounted return gives the std, and the pessimistic value orders the answer
    LoadedModel live = models.live().orElseThrow();
    Featurizer featurizer = new Featurizer(SPEC);
    double previous = Double.POSITIVE_INFINITY;
    int rank = 1;
    for (JsonNode scored : body.get("trajectories")) {
      List<float[][]> steps = trajectories.get(scored.get("index").asInt());
      double[] memberReturns = new double[4];
      double discount = 1;
      double summedStds = 0;
      for (int i = 0; i < steps.size(); i++) {
        Interaction step = normalization.normalize(step("x", i, steps.get(i), false));
        float[] members = live.memberRewards(featurizer.featurizeVector(step));
        for (int m = 0; m < members.length; m++) {
          memberReturns[m] += discount * members[m];
        }
        summedStds += discount * scored.get("step_stds").get(i).asDouble();
        discount *= 0.8;
      }
      double mean = Arrays.stream(memberReturns).average().orElseThrow();
      double std = Math.sqrt(Arrays.stream(memberReturns).map(r -> (r - mean) * (r - mean)).average().orElseThrow());
      assertThat(scored.get("return_mean").asDouble()).isCloseTo(mean, within(1e-9));
      assertThat(scored.get("return_std").asDouble()).isCloseTo(std, within(1e-9)).isLessThanOrEqualTo(summedStds + 1e-9);
      assertThat(scored.get("pessimistic_return").asDouble()).isCloseTo(mean - 2 * std, within(1e-9));
      assertThat(scored.get("optimistic_return").asDouble()).isCloseTo(mean + 2 * std, within(1e-9));
      assertThat(scored.get("rank").asInt()).isEqualTo(rank++);
      assertThat(scored.get("pessimistic_return").asDouble()).isLessThanOrEqualTo(previous);
      previous = scored.get("pessimistic_return").asDouble();
    }
    assertThat(body.get("by").asText()).isEqualTo("pessimistic");
  }

  @Test
  void shouldLeaveTheStepsOutWhenAPlannerOnlyNeedsTheReturns() throws Exception {
    JsonNode body = post(request(List.of(trajectory(3))).put("steps", false));

    JsonNode scored = body.get("trajectories").get(0);
    assertThat(scored.has("return_mean")).isTrue();
    assertThat(scored.has("step_rewards")).isFalse();
    assertThat(body.get("gamma").asDouble()).as("the configured default").isEqualTo(0.9);
  }

  @Test
  void shouldAnswerTheBinaryFormAsTheJsonForm() throws Exception {
    // Given the same trajectories, one step with a missing value (null in JSON, NaN when packed)
    List<List<float[][]>> trajectories = List.of(trajectory(4), trajectory(7), trajectory(2));
    trajectories.get(1).get(3)[0][2] = Float.NaN;
    List<PackedTrajectory> packed = packed(trajectories);
    TrajectoryRequest binary = TrajectoryRequest.newBuilder().setEnvironment("arm").setGamma(0.95).setK(1.0)
        .setBy("optimistic").setTrajectories(packed).build();

    // When
    JsonNode json = post(request(trajectories).put("gamma", 0.95).put("k", 1.0).put("by", "optimistic"));
    HttpResponse<byte[]> response = postBinary(TrajectoryAvro.writeRequest(binary));

    // Then
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains("avro/binary");
    TrajectoryResponse answer = TrajectoryAvro.readResponse(response.body());
    assertThat(answer.getModelVersion()).isEqualTo(3);
    assertThat(answer.getBy()).isEqualTo("optimistic");
    assertThat(answer.getTrajectories()).hasSize(3);
    for (int r = 0; r < 3; r++) {
      ScoredTrajectory scored = answer.getTrajectories().get(r);
      JsonNode expected = json.get("trajectories").get(r);
      assertThat(scored.getIndex()).isEqualTo(expected.get("index").asInt());
      assertThat(scored.getReturnMean()).isEqualTo(expected.get("return_mean").asDouble());
      assertThat(scored.getReturnStd()).isEqualTo(expected.get("return_std").asDouble());
      assertThat(scored.getOptimisticReturn()).isEqualTo(expected.get("optimistic_return").asDouble());
      for (int i = 0; i < scored.getStepRewards().size(); i++) {
        assertThat(scored.getStepRewards().get(i)).isEqualTo((float) expected.get("step_rewards").get(i).asDouble());
      }
    }

    HttpResponse<byte[]> garbage = postBinary(new byte[] {1, 2, 3, 4, 5});
    assertThat(garbage.statusCode()).isEqualTo(400);
    assertThat(new String(garbage.body(), java.nio.charset.StandardCharsets.UTF_8))
        .contains("not an Avro TrajectoryRequest datum");
    java.io.ByteArrayOutputStream forged = new java.io.ByteArrayOutputStream();
    org.apache.avro.io.BinaryEncoder encoder = org.apache.avro.io.EncoderFactory.get().binaryEncoder(forged, null);
    for (int nullField = 0; nullField < 5; nullField++) {
      encoder.writeIndex(0);
    }
    encoder.writeBoolean(true);
    encoder.writeLong(1);
    encoder.writeLong(2_000_000_000L);
    encoder.flush();
    HttpResponse<byte[]> huge = postBinary(forged.toByteArray());
    assertThat(huge.statusCode()).isEqualTo(400);
    assertThat(new String(huge.body(), java.nio.charset.StandardCharsets.UTF_8))
        .contains("an array claims 2000000000 items, more than its " + forged.size() + " bytes can hold");
    packed.get(2).getStates().set(1, Float.POSITIVE_INFINITY);
    HttpResponse<byte[]> infinite = postBinary(TrajectoryAvro.writeRequest(binary));
    assertThat(infinite.statusCode()).isEqualTo(400);
    assertThat(new String(infinite.body(), java.nio.charset.StandardCharsets.UTF_8))
        .contains("trajectories[2][0].state[1] is Infinity");
    packed.get(0).getActions().remove(0);
    HttpResponse<byte[]> ragged = postBinary(TrajectoryAvro.writeRequest(binary));
    assertThat(new String(ragged.body(), java.nio.charset.StandardCharsets.UTF_8))
        .contains("trajectories[0] has 12 state and 7 action values, which are not whole steps");
  }

  @Test
  void shouldAnswerEachAttributesReturnToClientsThatDecodeIt() throws Exception {
    // Given a model with two attribute heads, and trajectories asked about in JSON and in binary
    try (LiveModelFixture heads = new LiveModelFixture(dir.resolve("artifacts").resolve("heads"), SPEC, 8, 2,
        dev.rewardstream.model.RewardAttributes.parse("safe=0.7,fast=0.3"))) {
      heads.publish(models, 4);
      List<List<float[][]>> trajectories = List.of(trajectory(3), trajectory(5));
      TrajectoryRequest binary = TrajectoryRequest.newBuilder().setEnvironment("arm").setGamma(0.9).setK(1.0)
          .setTrajectories(packed(trajectories)).build();
      byte[] current = TrajectoryAvro.writeRequest(binary);

      // When
      JsonNode json = post(request(trajectories).put("gamma", 0.9).put("k", 1.0));
      TrajectoryResponse answer = TrajectoryAvro.readResponse(postBinary(current).body());
      // A client on the schema before answer_revision: its datum is the same without the trailing int (2 is 0x04)
      assertThat(current[current.length - 1]).isEqualTo((byte) 4);
      HttpResponse<byte[]> earlier = postBinary(Arrays.copyOf(current, current.length - 1));

      // Then the current client gets every head's return, as the JSON answer has it
      assertThat(answer.getModelVersion()).isEqualTo(4);
      for (ScoredTrajectory scored : answer.getTrajectories()) {
        JsonNode expected = byIndex(json, scored.getIndex()).get("attribute_returns");
        assertThat(scored.getAttributeReturns()).hasSize(2);
        for (String head : List.of("safe", "fast")) {
          assertThat(scored.getAttributeReturns().get(head)).isEqualTo(expected.get(head).asDouble());
        }
        assertThat(scored.getReturnMean()).isCloseTo(0.7 * scored.getAttributeReturns().get("safe")
            + 0.3 * scored.getAttributeReturns().get("fast"), within(1e-5));
      }
      // and the earlier client an answer its own schema decodes to the last byte, the same returns
      org.apache.avro.Schema earlierSchema = withoutField(TrajectoryResponse.getClassSchema(), "attribute_returns");
      org.apache.avro.io.BinaryDecoder in = org.apache.avro.io.DecoderFactory.get()
          .binaryDecoder(earlier.body(), null);
      org.apache.avro.generic.GenericRecord decoded =
          new org.apache.avro.generic.GenericDatumReader<org.apache.avro.generic.GenericRecord>(earlierSchema)
              .read(null, in);
      assertThat(in.isEnd()).isTrue();
      List<?> scored = (List<?>) decoded.get("trajectories");
      for (int r = 0; r < scored.size(); r++) {
        assertThat(((org.apache.avro.generic.GenericRecord) scored.get(r)).get("return_mean"))
            .isEqualTo(answer.getTrajectories().get(r).getReturnMean());
      }
      HttpResponse<byte[]> unknown = postBinary(TrajectoryAvro.writeRequest(
          TrajectoryRequest.newBuilder(binary).setAnswerRevision(9).build()));
      assertThat(unknown.statusCode()).isEqualTo(400);
      assertThat(new String(unknown.body(), java.nio.charset.StandardCharsets.UTF_8))
          .contains("answer_revision 9 is not one this scorer writes");
    }
  }

  /** The schema a client had before {@code field} was added to its nested records. */
  private static org.apache.avro.Schema withoutField(org.apache.avro.Schema schema, String field) throws Exception {
    JsonNode json = JSON.readTree(schema.toString());
    removeField(json, field);
    return new org.apache.avro.Schema.Parser().parse(json.toString());
  }

  private static void removeField(JsonNode node, String field) {
    if (node.isObject() && node.get("fields") instanceof ArrayNode fields) {
      for (int i = fields.size() - 1; i >= 0; i--) {
        if (fields.get(i).get("name").asText().equals(field)) {
          fields.remove(i);
        }
      }
    }
    node.forEach(child -> removeField(child, field));
  }

  private static List<PackedTrajectory> packed(List<List<float[][]>> trajectories) {
    List<PackedTrajectory> packed = new ArrayList<>();
    for (List<float[][]> trajectory : trajectories) {
      List<Float> states = new ArrayList<>();
      List<Float> actions = new ArrayList<>();
      for (float[][] step : trajectory) {
        for (float v : step[0]) {
          states.add(v);
        }
        for (float v : step[1]) {
          actions.add(v);
        }
      }
      packed.add(PackedTrajectory.newBuilder().setStates(states).setActions(actions).build());
    }
    return packed;
  }

  private HttpResponse<byte[]> postBinary(byte[] body) throws Exception {
    return client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url() + "/v1/trajectories"))
        .header("Content-Type", "avro/binary").POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body))
        .build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void shouldRefuseARequestTheStreamWouldNotScoreTheSameWay() throws Exception {
    ObjectNode unknown = request(List.of(trajectory(2))).put("environment", "moon");
    assertError(unknown, 400, "unknown environment 'moon'");

    List<float[][]> wide = trajectory(2);
    wide.get(1)[1] = new float[] {1f, 2f, 3f};
    assertError(request(List.of(wide)), 400, "trajectories[0][1].action has 3 values; environment 'arm' has 2");

    ObjectNode notANumber = request(List.of(trajectory(2)));
    ((ArrayNode) notANumber.get("trajectories").get(0).get(0).get("state")).set(1, JSON.getNodeFactory().textNode("x"));
    assertError(notANumber, 400, "trajectories[0][0].state[1] is not a number");

    List<List<float[][]>> tooMany = new ArrayList<>();
    for (int t = 0; t < 301; t++) {
      tooMany.add(trajectory(1));
    }
    assertError(request(tooMany), 400, "trajectories has 301 entries, the limit is 300");
    assertError(request(List.of(trajectory(2))).put("gamma", 1.5), 400, "gamma must be in (0, 1]");
    assertError(request(List.of(trajectory(2))).put("by", "median"), 400, "by must be mean, pessimistic or optimistic");
    assertError(request(List.of(List.of())), 400, "trajectories[0] has no steps");
    assertError(request(List.of(trajectory(2))).put("model", "other"), 404, "model 'other' is not served here");
  }

  private void assertError(ObjectNode request, int status, String message) throws Exception {
    HttpResponse<String> response = send(client, "POST", server.url() + "/v1/trajectories", request.toString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(JSON.readTree(response.body()).get("error").asText()).contains(message);
  }

  private JsonNode post(ObjectNode request) throws Exception {
    HttpResponse<String> response = send(client, "POST", server.url() + "/v1/trajectories", request.toString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static JsonNode byIndex(JsonNode body, int index) {
    for (JsonNode scored : body.get("trajectories")) {
      if (scored.get("index").asInt() == index) {
        return scored;
      }
    }
    throw new AssertionError("no trajectory " + index + " in " + body);
  }

  /** Steps as {state, action} pairs; NaN stands for a missing value (null on the topic and in JSON). */
  private List<float[][]> trajectory(int steps) {
    List<float[][]> trajectory = new ArrayList<>();
    for (int i = 0; i < steps; i++) {
      float[] state = new float[STATE_DIM];
      float[] action = new float[ACTION_DIM];
      for (int j = 0; j < STATE_DIM; j++) {
        state[j] = (float) (2 + random.nextGaussian());
      }
      for (int j = 0; j < ACTION_DIM; j++) {
        action[j] = (float) random.nextGaussian();
      }
      trajectory.add(new float[][] {state, action});
    }
    return trajectory;
  }

  private static ObjectNode request(List<List<float[][]>> trajectories) {
    ObjectNode request = JSON.createObjectNode().put("environment", "arm");
    ArrayNode all = request.putArray("trajectories");
    for (List<float[][]> trajectory : trajectories) {
      ArrayNode steps = all.addArray();
      for (float[][] step : trajectory) {
        ObjectNode node = steps.addObject();
        ArrayNode state = node.putArray("state");
        for (float v : step[0]) {
          if (Float.isNaN(v)) {
            state.addNull();
          } else {
            state.add(v);
          }
        }
        ArrayNode action = node.putArray("action");
        for (float v : step[1]) {
          action.add(v);
        }
      }
    }
    return request;
  }

  private static Interaction step(String episode, int index, float[][] step, boolean done) {
    return Interaction.newBuilder().setInteractionId(episode + "-" + index).setEpisodeId(episode).setStep(index)
        .setAgentId("agent").setPolicyVersion("p1").setEnvironment("arm").setEventTime(T0).setDone(done)
        .setState(list(step[0])).setAction(list(step[1])).build();
  }

  private static List<Float> list(float[] values) {
    List<Float> list = new ArrayList<>(values.length);
    for (float v : values) {
      list.add(Float.isNaN(v) ? null : v);
    }
    return list;
  }

  private static NormalizationStats stats(String environment) {
    return NormalizationStats.newBuilder().setEnvironment(environment).setCount(500).setRewardCount(0)
        .setRewardMean(0).setRewardStd(1).setStateMean(List.of(2.0, 2.0, 2.0)).setStateStd(List.of(1.0, 0.5, 2.0))
        .setActionMean(List.of(0.0, 0.1)).setActionStd(List.of(1.0, 1.0)).setUpdatedAt(T0).build();
  }
}
