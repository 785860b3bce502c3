package dev.rewardstream.bench;

import dev.rewardstream.model.ArtifactStore;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.Featurizer;
import dev.rewardstream.model.InteractionValidator;
import dev.rewardstream.model.ModelArtifacts;
import dev.rewardstream.model.RewardNetwork;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.scorer.CandidateScorer;
import dev.rewardstream.scorer.ModelHolder;
import dev.rewardstream.scorer.ScorerConfig;
import dev.rewardstream.scorer.ScoringHttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import io.javalin.Javalin;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Latency of the scoring API's {@code POST /v1/rank} with 16 candidates of 40 words, one client over loopback, the
 * production feature spec and a 32-unit network; its anchor, measured on the same requests in the same run, is the
 * same scoring called in process (validate, featurize, one forward pass), so the difference is what HTTP and JSON
 * cost. The served model is a freshly initialized version: inference costs the same whatever the weights.
 */
final class ScoringApiBench implements BenchScenario {

  private static final int CANDIDATES = 16;
  private static final int HIDDEN = 32;

  @Override
  public String name() {
    return "scoring-api";
  }

  @Override
  public Result run(Context context) throws Exception {
    int warmUp = context.quick() ? 50 : 300;
    int measured = context.quick() ? 200 : 3_000;
    ScorerConfig config = ScorerConfig.defaults();
    FeatureSpec spec = config.featureSpec();
    Path artifacts = Files.createTempDirectory("rewardstream-bench-api-");
    List<Double> overHttp = new ArrayList<>();
    List<Double> overJavalin = new ArrayList<>();
    List<Double> inProcess = new ArrayList<>();
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try (NDManager manager = NDManager.newBaseManager();
        ModelHolder models = new ModelHolder(config.modelName(), spec, ArtifactStore.at(artifacts));
        ScoringHttpServer server = ScoringHttpServer.start("127.0.0.1", 0, models, config,
            () -> KafkaStreams.State.RUNNING, 2)) {
      publishInitializedVersion(models, artifacts, spec, manager);
      Javalin javalin = javalinRank(models, config);
      String javalinUrl = "http://127.0.0.1:" + javalin.port() + "/v1/rank";
      CandidateScorer direct = new CandidateScorer(new Featurizer(spec),
          new InteractionValidator(config.maxTextChars()), CANDIDATES);
      Random random = new Random(context.seed());
      String[] words = ("the a reset password open settings security click account help sorry please try again "
          + "later").split(" ");
      ObjectMapper json = new ObjectMapper();
      context.progress().accept("scoring-api: " + (warmUp + measured) + " requests of " + CANDIDATES + " candidates");
      for (int n = 0; n < warmUp + measured; n++) {
        String prompt = "how do I reset my password " + n;
        List<String> texts = new ArrayList<>();
        for (int c = 0; c < CANDIDATES; c++) {
          StringBuilder text = new StringBuilder();
          for (int w = 0; w < 40; w++) {
            text.append(words[random.nextInt(words.length)]).append(' ');
          }
          texts.add(text.toString());
        }
        ObjectNode request = json.createObjectNode().put("prompt", prompt);
        ArrayNode candidates = request.putArray("candidates");
        texts.forEach(candidates::add);
        // The two servers take turns going first, so neither always meets the caches the other warmed.
        long http;
        long overJetty;
        if (n % 2 == 0) {
          http = post(client, server.url() + "/v1/rank", request.toString());
          overJetty = post(client, javalinUrl, request.toString());
        } else {
          overJetty = post(client, javalinUrl, request.toString());
          http = post(client, server.url() + "/v1/rank", request.toString());
        }
        long start = System.nanoTime();
        direct.score(models.live().orElseThrow(), prompt, texts);
        long local = System.nanoTime() - start;
        if (n >= warmUp) {
          overHttp.add(http / 1e9);
          overJavalin.add(overJetty / 1e9);
          inProcess.add(local / 1e9);
        }
      }
      javalin.stop();
    } finally {
      FreshnessBench.deleteQuietly(artifacts);
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("candidates", CANDIDATES);
    figures.put("requests_measured", measured);
    figures.put("warm_up_requests", warmUp);
    figures.put("rank_over_http", Stats.latencySummary(overHttp));
    figures.put("anchor_same_scoring_in_process", Stats.latencySummary(inProcess));
    figures.put("same_rank_on_javalin", Stats.latencySummary(overJavalin));
    double httpP50 = Stats.percentile(overHttp, 50);
    double localP50 = Stats.percentile(inProcess, 50);
    figures.put("http_and_json_share_of_p50", Stats.round((httpP50 - localP50) / httpP50));
    String md = String.format(Locale.ROOT, "`POST /v1/rank`, %d candidates of 40 words, %d features, %d hidden "
            + "units, one client over loopback, %d requests after %d warm-up.%n%n"
            + "| | p50 | p95 | p99 | max |%n|---|---|---|---|---|%n"
            + "| over HTTP: the scoring API (the JDK's HttpServer) | %.2f ms | %.2f ms | %.2f ms | %.2f ms |%n"
            + "| anchor: the same scoring in process | %.2f ms | %.2f ms | %.2f ms | %.2f ms |%n"
            + "| the same ranking on Javalin 7 / Jetty 12 | %.2f ms | %.2f ms | %.2f ms | %.2f ms |%n%n"
            + "HTTP and JSON are %.0f %% of the median request.%n",
        CANDIDATES, spec.dimension(), HIDDEN, measured, warmUp,
        ms(overHttp, 50), ms(overHttp, 95), ms(overHttp, 99), ms(overHttp, 100),
        ms(inProcess, 50), ms(inProcess, 95), ms(inProcess, 99), ms(inProcess, 100),
        ms(overJavalin, 50), ms(overJavalin, 95), ms(overJavalin, 99), ms(overJavalin, 100),
        100 * (httpP50 - localP50) / httpP50);
    return Result.of(figures, md);
  }

  /**
   * {@code POST /v1/rank} on Javalin, doing what the scoring API's handler does (parse, score the candidates with the
   * live version, answer them ranked), to measure what moving the API onto that framework would cost.
   */
  private static Javalin javalinRank(ModelHolder models, ScorerConfig config) {
    ObjectMapper json = new ObjectMapper();
    CandidateScorer scorer = new CandidateScorer(new Featurizer(config.featureSpec()),
        new InteractionValidator(config.maxTextChars()), CANDIDATES);
    return Javalin.create(cfg -> {
      cfg.jetty.host = "127.0.0.1";
      cfg.jetty.port = 0;
      cfg.startup.showJavalinBanner = false;
      cfg.routes.post("/v1/rank", ctx -> {
        JsonNode request = json.readTree(ctx.bodyAsBytes());
        List<String> candidates = new ArrayList<>();
        request.get("candidates").forEach(c -> candidates.add(c.asText()));
        CandidateScorer.Result result = scorer.score(models.live().orElseThrow(), request.path("prompt").asText(),
            candidates);
        ObjectNode out = json.createObjectNode().put("model_name", result.modelName())
            .put("model_version", result.modelVersion());
        ArrayNode ranked = out.putArray("ranked");
        int rank = 1;
        for (CandidateScorer.Scored scored : result.ranked()) {
          ranked.addObject().put("rank", rank++).put("index", scored.index()).put("candidate", scored.response())
              .put("raw_reward", scored.rawReward()).put("normalized_reward", scored.normalizedReward());
        }
        ctx.contentType("application/json").result(json.writeValueAsBytes(out));
      });
    }).start();
  }

  /** Sends one request; returns its round trip in nanoseconds. */
  private static long post(HttpClient client, String url, String body) throws Exception {
    HttpRequest post = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    long start = System.nanoTime();
    HttpResponse<String> response = client.send(post, HttpResponse.BodyHandlers.ofString());
    long elapsed = System.nanoTime() - start;
    if (response.statusCode() != 200) {
      throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
    }
    return elapsed;
  }

  private static void publishInitializedVersion(ModelHolder models, Path artifacts, FeatureSpec spec,
      NDManager manager) throws java.io.IOException {
    RewardNetwork.Architecture architecture = new RewardNetwork.Architecture(spec.dimension(), HIDDEN, 1);
    ModelArtifacts.Written written = ModelArtifacts.write(artifacts, models.modelName(), 1,
        RewardNetwork.build(architecture, manager));
    ModelUpdate update = ModelUpdate.newBuilder().setModelName(models.modelName()).setVersion(1)
        .setCreatedAt(Instant.now()).setArtifactUri(written.uri().toString()).setSha256(written.sha256())
        .setFeatureSpec(spec.fingerprint()).setArchitecture(architecture.describe()).setRewardMean(0)
        .setRewardStd(1).setExamplesTrained(0).setMetrics(Map.of()).build();
    if (!models.offer(update)) {
      throw new IllegalStateException("the scorer refused the benchmark's model version");
    }
  }

  private static double ms(List<Double> seconds, double p) {
    return Stats.percentile(seconds, p) * 1000;
  }
}
