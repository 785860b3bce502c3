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
import dev.rewardstream.schema.SparseFeatures;
import dev.rewardstream.trainer.LearnerOptions;
import dev.rewardstream.trainer.OnlineLinearMixture;
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
 *
 * <p>Then {@code POST /v1/pairs} with {@value #FEW_PAIR_CANDIDATES} and {@value #MANY_PAIR_CANDIDATES} candidates (the
 * API's limit): every pair of them judged, under the default linear learner's version after
 * {@value #PAIR_MODEL_LABELS} labels over a {@value #PAIR_VOCABULARY}-word vocabulary, so that most pairs differ in
 * words no label touched (each counted at the version's unseen-weight variance, the costly part).
 */
final class ScoringApiBench implements BenchScenario {

  private static final int CANDIDATES = 16;
  private static final int HIDDEN = 32;
  private static final int FEW_PAIR_CANDIDATES = 16;
  private static final int MANY_PAIR_CANDIDATES = ScoringHttpServer.DEFAULT_MAX_CANDIDATES;
  private static final int PAIR_MODEL_LABELS = 500;
  private static final int PAIR_VOCABULARY = 2_000;

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
    List<Double> pairsFew;
    List<Double> pairsMany;
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
      String[] pairWords = vocabulary(new Random(17));
      publishLinearVersion(models, artifacts, config, pairWords, random);
      context.progress().accept("scoring-api: /v1/pairs with " + FEW_PAIR_CANDIDATES + " and "
          + MANY_PAIR_CANDIDATES + " candidates");
      pairsFew = timePairs(client, server.url(), json, pairWords, random, FEW_PAIR_CANDIDATES, context.quick() ? 10 : 50,
          context.quick() ? 20 : 200);
      pairsMany = timePairs(client, server.url(), json, pairWords, random, MANY_PAIR_CANDIDATES, context.quick() ? 2 : 5,
          context.quick() ? 3 : 30);
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
    figures.put("pairs_" + FEW_PAIR_CANDIDATES + "_candidates", Stats.latencySummary(pairsFew));
    figures.put("pairs_" + MANY_PAIR_CANDIDATES + "_candidates", Stats.latencySummary(pairsMany));
    String md = String.format(Locale.ROOT, "`POST /v1/rank`, %d candidates of 40 words, %d features, %d hidden "
            + "units, one client over loopback, %d requests after %d warm-up.%n%n"
            + "| | p50 | p95 | p99 | max |%n|---|---|---|---|---|%n"
            + "| over HTTP: the scoring API (the JDK's HttpServer) | %.2f ms | %.2f ms | %.2f ms | %.2f ms |%n"
            + "| anchor: the same scoring in process | %.2f ms | %.2f ms | %.2f ms | %.2f ms |%n"
            + "| the same ranking on Javalin 7 / Jetty 12 | %.2f ms | %.2f ms | %.2f ms | %.2f ms |%n%n"
            + "HTTP and JSON are %.0f %% of the median request.%n%n"
            + "`POST /v1/pairs` (every pair of the candidates judged; the default linear learner's version after %d "
            + "labels over a %,d-word vocabulary, candidates of 40 words from it):%n%n"
            + "| candidates (pairs) | requests | p50 | p95 | max |%n|---|---|---|---|---|%n"
            + "| %d (%,d) | %d | %.2f ms | %.2f ms | %.2f ms |%n"
            + "| %d (%,d) | %d | %.1f ms | %.1f ms | %.1f ms |%n",
        CANDIDATES, spec.dimension(), HIDDEN, measured, warmUp,
        ms(overHttp, 50), ms(overHttp, 95), ms(overHttp, 99), ms(overHttp, 100),
        ms(inProcess, 50), ms(inProcess, 95), ms(inProcess, 99), ms(inProcess, 100),
        ms(overJavalin, 50), ms(overJavalin, 95), ms(overJavalin, 99), ms(overJavalin, 100),
        100 * (httpP50 - localP50) / httpP50, PAIR_MODEL_LABELS, PAIR_VOCABULARY,
        FEW_PAIR_CANDIDATES, pairs(FEW_PAIR_CANDIDATES), pairsFew.size(), ms(pairsFew, 50), ms(pairsFew, 95),
        ms(pairsFew, 100), MANY_PAIR_CANDIDATES, pairs(MANY_PAIR_CANDIDATES), pairsMany.size(), ms(pairsMany, 50),
        ms(pairsMany, 95), ms(pairsMany, 100));
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

  private static int pairs(int candidates) {
    return candidates * (candidates - 1) / 2;
  }

  private static String[] vocabulary(Random random) {
    String[] words = new String[PAIR_VOCABULARY];
    for (int w = 0; w < words.length; w++) {
      StringBuilder word = new StringBuilder();
      for (int k = 4 + random.nextInt(5); k > 0; k--) {
        word.append((char) ('a' + random.nextInt(26)));
      }
      words[w] = word.toString();
    }
    return words;
  }

  private static String answer(String[] words, Random random) {
    StringBuilder text = new StringBuilder();
    for (int w = 0; w < 40; w++) {
      text.append(words[random.nextInt(words.length)]).append(' ');
    }
    return text.toString();
  }

  /**
   * Serves the default linear learner after {@value #PAIR_MODEL_LABELS} labels between answers over the pair
   * vocabulary, with the metrics the trainer publishes (its unseen-weight variance among them).
   */
  private static void publishLinearVersion(ModelHolder models, Path artifacts, ScorerConfig config, String[] words,
      Random random) {
    FeatureSpec spec = config.featureSpec();
    Featurizer featurizer = new Featurizer(spec);
    try (OnlineLinearMixture learner = new OnlineLinearMixture(spec, LearnerOptions.defaults())) {
      for (int label = 0; label < PAIR_MODEL_LABELS; label++) {
        SparseFeatures a = featurizer.featurizeText("how do i", answer(words, random));
        SparseFeatures b = featurizer.featurizeText("how do i", answer(words, random));
        learner.trainStep(List.of(LabelStreams.example(spec, "api-" + label, List.of(a), List.of(b),
            random.nextBoolean())));
      }
      MpcBench.serve(models, learner, artifacts, config, 2);
    }
  }

  /** Round trips of {@code POST /v1/pairs} asking for the top 5 pairs of {@code candidates} fresh answers. */
  private static List<Double> timePairs(HttpClient client, String url, ObjectMapper json, String[] words,
      Random random, int candidates, int warmUp, int measured) throws Exception {
    List<Double> seconds = new ArrayList<>();
    for (int n = 0; n < warmUp + measured; n++) {
      ObjectNode request = json.createObjectNode().put("prompt", "how do i").put("top", 5);
      ArrayNode texts = request.putArray("candidates");
      for (int c = 0; c < candidates; c++) {
        texts.add(answer(words, random));
      }
      long elapsed = post(client, url + "/v1/pairs", request.toString());
      if (n >= warmUp) {
        seconds.add(elapsed / 1e9);
      }
    }
    return seconds;
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
