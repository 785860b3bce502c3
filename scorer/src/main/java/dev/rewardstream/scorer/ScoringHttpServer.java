package dev.rewardstream.scorer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.rewardstream.security.ApiSecurity;
import dev.rewardstream.security.HttpAccess;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.concurrent.TimeUnit;
import dev.rewardstream.model.Featurizer;
import dev.rewardstream.model.InteractionValidator;
import dev.rewardstream.model.LoadedModel;
import dev.rewardstream.model.NumericFeatures;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.schema.NormalizationStats;
import dev.rewardstream.schema.RecordRejectedException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scorer's synchronous API, for best-of-N selection and tools that need a reward now rather than on the
 * {@code scores} topic. It scores with the same {@link ModelHolder} the topology uses, so an answer here carries the
 * version that is live in the stream at that moment.
 *
 * <ul>
 *   <li>{@code POST /v1/rank} {@code {"prompt": "...", "candidates": ["...", ...], "by": "mean", "k": 1.0}}: the
 *       candidates best first by the ensemble mean or the pessimistic (or optimistic) reward, each with its index in
 *       the request, raw and normalized reward, std, pessimistic and optimistic reward; one pass for all of them.
 *   <li>{@code POST /v1/score} {@code {"prompt": "...", "response": "..."}}: one reward, with the same fields.
 *   <li>{@code POST /v1/trajectories} {@code {"environment": "...", "gamma": 0.99, "k": 1.0, "by": "pessimistic",
 *       "trajectories": [[{"state": [...], "action": [...]}, ...], ...]}}: imagined trajectories scored for a planner
 *       ({@link TrajectoryScorer}), best first, each with its per-step rewards and stds and its discounted return's
 *       mean, std, pessimistic and optimistic value; {@code "steps": false} leaves the per-step arrays out. Sent
 *       as {@code Content-Type: avro/binary}, the question and answer are Avro datums ({@link TrajectoryAvro}).
 *   <li>{@code POST /v1/pairs} {@code {"prompt": "...", "candidates": [...], "top": 5}}: the pairs of candidates whose
 *       preference label would teach the live version most, with its P(A ≻ B) and the expected information gain. For
 *       a model with attribute heads each pair names the attribute whose label would teach most, or is judged for the
 *       request's {@code "attribute"}.
 *   <li>{@code GET /v1/model}: the live version, its feature spec and holdout metrics, and the environments whose
 *       trajectories it can score, with their vector dimensions.
 *   <li>{@code GET /health}: 200 when a version is live and the Streams application is RUNNING, else 503 and why
 *       (status {@code WAITING} before the first version).
 * </ul>
 *
 * Errors are JSON {@code {"error": "..."}}: 400 for a malformed or out-of-bounds request, 404/405 for a wrong path or
 * method, 413 for a body over {@link #MAX_BODY_BYTES}, 503 while no version is live yet.
 *
 * <p>Binds 127.0.0.1 unless told otherwise: the API has no authentication.
 */
public final class ScoringHttpServer implements AutoCloseable {

  /** Enough for the largest valid request (256 candidates near the text limit); bigger bodies are refused unread. */
  public static final int MAX_BODY_BYTES = 16 << 20;
  public static final int DEFAULT_MAX_CANDIDATES = 256;
  static final int DEFAULT_PAIRS = 5;
  static final int MAX_PAIRS = 1_000;
  /**
   * The JDK server writes the response headers and body as two segments; with Nagle's algorithm on, the body waits for
   * the client's delayed ACK of the headers, about 40 ms on Linux loopback. The server reads this property once, when
   * the first HttpServer of the JVM is created, so {@code rewardctl} also sets it at startup.
   */
  public static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";

  static {
    System.setProperty(NODELAY_PROPERTY, "true");
  }

  private static final Logger LOG = LoggerFactory.getLogger(ScoringHttpServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String JSON_TYPE = "application/json";

  private final HttpServer http;
  private final ExecutorService executor;
  private final ModelHolder models;
  private final CandidateScorer scorer;
  private final TrajectoryScorer trajectories;
  private final NormalizationTable normalization;
  private final ScorerConfig config;
  private final Supplier<KafkaStreams.State> streamsState;
  /** Built once: each request then only looks its meter up by tags, off the builder. */
  private final Meter.MeterProvider<Timer> requestDuration;
  private final Meter.MeterProvider<DistributionSummary> batchSize;

  private ScoringHttpServer(HttpServer http, ExecutorService executor, ModelHolder models,
      NormalizationTable normalization, ScorerConfig config, Supplier<KafkaStreams.State> streamsState,
      MeterRegistry meters) {
    this.http = http;
    this.executor = executor;
    this.models = models;
    this.normalization = normalization;
    this.config = config;
    Featurizer featurizer = new Featurizer(config.featureSpec());
    InteractionValidator validator = new InteractionValidator(config.maxTextChars());
    this.scorer = new CandidateScorer(featurizer, validator, DEFAULT_MAX_CANDIDATES, config.badStepThreshold());
    this.trajectories = new TrajectoryScorer(featurizer, normalization, config.maxTrajectories());
    this.streamsState = streamsState;
    this.requestDuration = Timer.builder("rewardstream.api.request.duration")
        .description("Scoring API requests, from receipt until the answer is written")
        .publishPercentileHistogram().withRegistry(meters);
    this.batchSize = DistributionSummary.builder("rewardstream.api.batch.size")
        .description("Candidates (texts or trajectories) per scoring API request").baseUnit("candidates")
        .publishPercentileHistogram()
        .withRegistry(meters);
  }

  /**
   * Starts on {@code host:port} (port 0 picks a free one).
   *
   * @param streamsState the state of the Streams application this server stands beside, for {@code /health}
   * @param threads request threads; scoring is CPU-bound, so about the number of cores
   */
  public static ScoringHttpServer start(String host, int port, ModelHolder models, ScorerConfig config,
      Supplier<KafkaStreams.State> streamsState, int threads) throws IOException {
    return start(host, port, models, new NormalizationTable(), config, streamsState, threads,
        new CompositeMeterRegistry());
  }

  /**
   * As {@link #start(String, int, ModelHolder, ScorerConfig, Supplier, int)}, reporting each request's duration by
   * endpoint and status, and the candidates per ranking, pairs or trajectories request, to {@code meters}; imagined
   * trajectories are normalized with {@code normalization}, the snapshot the stream's scoring uses.
   */
  public static ScoringHttpServer start(String host, int port, ModelHolder models, NormalizationTable normalization,
      ScorerConfig config, Supplier<KafkaStreams.State> streamsState, int threads, MeterRegistry meters)
      throws IOException {
    return start(host, port, models, normalization, config, streamsState, threads, meters, null);
  }

  /**
   * As {@link #start(String, int, ModelHolder, NormalizationTable, ScorerConfig, Supplier, int, MeterRegistry)},
   * over HTTPS with a bearer token on every endpoint but {@code /health} (what load balancers probe) unless
   * {@code security} is null.
   */
  public static ScoringHttpServer start(String host, int port, ModelHolder models, NormalizationTable normalization,
      ScorerConfig config, Supplier<KafkaStreams.State> streamsState, int threads, MeterRegistry meters,
      ApiSecurity security) throws IOException {
    HttpServer http = HttpAccess.create(host, port, security == null ? null : security.tls());
    ExecutorService executor = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "scorer-http");
      t.setDaemon(true);
      return t;
    });
    ScoringHttpServer server =
        new ScoringHttpServer(http, executor, models, normalization, config, streamsState, meters);
    HttpContext api = http.createContext("/", server::handle);
    if (security != null) {
      api.setAuthenticator(HttpAccess.bearer("rewardstream-scoring-api", security.token()));
      http.createContext("/health", server::handle);
    }
    http.setExecutor(executor);
    http.start();
    LOG.info("scoring API on {}", server.url());
    return server;
  }

  public int port() {
    return http.getAddress().getPort();
  }

  public String url() {
    return HttpAccess.scheme(http) + "://" + http.getAddress().getHostString() + ":" + port();
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
  }

  /** A request the server answers with {@code status} and an error message. */
  private static final class HttpError extends RuntimeException {
    final int status;

    HttpError(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    long started = System.nanoTime();
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      Reply reply;
      try {
        reply = route(method, path, exchange);
      } catch (HttpError e) {
        reply = new Reply(e.status, error(e.getMessage()));
      } catch (RecordRejectedException e) {
        reply = new Reply(400, error(e.getMessage()));
      } catch (RuntimeException e) {
        LOG.warn("scoring API request {} {} failed", method, path, e);
        reply = new Reply(500, error(e.toString()));
      }
      byte[] bytes = reply.raw() != null ? reply.raw() : JSON.writeValueAsBytes(reply.body());
      exchange.getResponseHeaders().set("Content-Type", reply.raw() != null ? reply.contentType() : JSON_TYPE);
      exchange.sendResponseHeaders(reply.status(), bytes.length);
      exchange.getResponseBody().write(bytes);
      requestDuration.withTags("endpoint", ENDPOINTS.contains(path) ? path : "other", "status",
          Integer.toString(reply.status())).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }
  }

  private record Endpoint(String method, String path) {}

  private static final java.util.List<Endpoint> ENDPOINT_LIST = java.util.List.of(new Endpoint("POST", "/v1/rank"),
      new Endpoint("POST", "/v1/score"), new Endpoint("POST", "/v1/pairs"), new Endpoint("POST", "/v1/trajectories"),
      new Endpoint("GET", "/v1/model"), new Endpoint("GET", "/health"));

  private static final java.util.Set<String> ENDPOINTS =
      ENDPOINT_LIST.stream().map(Endpoint::path).collect(java.util.stream.Collectors.toUnmodifiableSet());

  /** What the server answers, for error messages and banners. */
  public static final String ENDPOINT_SUMMARY =
      String.join(", ", ENDPOINT_LIST.stream().map(e -> e.method() + " " + e.path()).toList());

  /** Candidates per request: how much work callers batch into one call. */
  private void recordBatch(String endpoint, int candidates) {
    batchSize.withTags("endpoint", endpoint).record(candidates);
  }

  /** A JSON answer, or {@code raw} bytes of {@code contentType}. */
  private record Reply(int status, JsonNode body, byte[] raw, String contentType) {
    Reply(int status, JsonNode body) {
      this(status, body, null, null);
    }
  }

  private Reply route(String method, String path, HttpExchange exchange) throws IOException {
    switch (path) {
      case "/v1/rank" -> {
        requireMethod(method, "POST");
        return new Reply(200, rank(readJson(exchange)));
      }
      case "/v1/score" -> {
        requireMethod(method, "POST");
        return new Reply(200, scoreOne(readJson(exchange)));
      }
      case "/v1/pairs" -> {
        requireMethod(method, "POST");
        return new Reply(200, pairs(readJson(exchange)));
      }
      case "/v1/trajectories" -> {
        requireMethod(method, "POST");
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType != null && contentType.startsWith(TrajectoryAvro.CONTENT_TYPE)) {
          return new Reply(200, null, trajectoriesAvro(TrajectoryAvro.read(readBody(exchange))),
              TrajectoryAvro.CONTENT_TYPE);
        }
        return new Reply(200, trajectories(readJson(exchange)));
      }
      case "/v1/model" -> {
        requireMethod(method, "GET");
        return new Reply(200, model());
      }
      case "/health" -> {
        requireMethod(method, "GET");
        return health();
      }
      default -> throw new HttpError(404, "no such endpoint: " + path + " (" + ENDPOINT_SUMMARY + ")");
    }
  }

  private JsonNode rank(JsonNode request) {
    JsonNode candidates = request.get("candidates");
    if (candidates == null || !candidates.isArray()) {
      throw new HttpError(400, "candidates must be an array of strings");
    }
    List<String> responses = new ArrayList<>(candidates.size());
    candidates.forEach(c -> responses.add(c.isTextual() ? c.asText() : null));
    recordBatch("/v1/rank", responses.size());
    RankBy by = rankBy(request);
    double k = number(request, "k", config.uncertaintyPenalty());
    CandidateScorer.Result result = scorer.score(liveModel(), optionalText(request, "prompt"), responses, k);
    ObjectNode out = modelFields(JSON.createObjectNode(), result).put("by", by.label()).put("k", k);
    ArrayNode ranked = out.putArray("ranked");
    int rank = 1;
    for (CandidateScorer.Scored s : result.ranked(by)) {
      rewardFields(ranked.addObject().put("rank", rank++).put("index", s.index()).put("candidate", s.response()), s);
    }
    return out;
  }

  /** Pairs of candidates worth a label first: what a labelling tool asks before showing a pair to a labeler. */
  private JsonNode pairs(JsonNode request) {
    JsonNode candidates = request.get("candidates");
    if (candidates == null || !candidates.isArray()) {
      throw new HttpError(400, "candidates must be an array of strings");
    }
    JsonNode topNode = request.get("top");
    if (topNode != null && (!topNode.canConvertToInt() || topNode.asInt() < 1 || topNode.asInt() > MAX_PAIRS)) {
      throw new HttpError(400, "top must be a whole number from 1 to " + MAX_PAIRS);
    }
    int top = topNode == null ? DEFAULT_PAIRS : topNode.asInt();
    List<String> responses = new ArrayList<>(candidates.size());
    candidates.forEach(c -> responses.add(c.isTextual() ? c.asText() : null));
    recordBatch("/v1/pairs", responses.size());
    LoadedModel model = liveModel();
    List<CandidateScorer.SuggestedPair> suggested =
        scorer.suggestPairs(model, optionalText(request, "prompt"), responses, top, optionalText(request, "attribute"));
    ObjectNode out = JSON.createObjectNode().put("model_name", model.update().getModelName())
        .put("model_version", model.version());
    ArrayNode pairs = out.putArray("pairs");
    for (CandidateScorer.SuggestedPair pair : suggested) {
      ObjectNode entry = pairs.addObject().put("a", pair.a()).put("b", pair.b())
          .put("p_a", pair.information().probabilityA())
          .put("margin_mean", pair.information().marginMean())
          .put("margin_std", pair.information().marginStd())
          .put("information", pair.information().information());
      if (pair.attribute() != null) {
        entry.put("attribute", pair.attribute());
      }
    }
    return out;
  }

  private JsonNode scoreOne(JsonNode request) {
    JsonNode response = request.get("response");
    if (response == null || !response.isTextual()) {
      throw new HttpError(400, "response must be a string");
    }
    double k = number(request, "k", config.uncertaintyPenalty());
    CandidateScorer.Result result =
        scorer.score(liveModel(), optionalText(request, "prompt"), List.of(response.asText()), k);
    return rewardFields(modelFields(JSON.createObjectNode(), result).put("k", k), result.scores().get(0));
  }

  /** The fields a {@code scores} record carries for one output. */
  private static ObjectNode rewardFields(ObjectNode node, CandidateScorer.Scored s) {
    node.put("raw_reward", s.rawReward()).put("normalized_reward", s.normalizedReward())
        .put("std", s.std()).put("pessimistic_reward", s.pessimisticReward())
        .put("optimistic_reward", s.optimisticReward());
    if (!s.attributeRewards().isEmpty()) {
      ObjectNode attributes = node.putObject("attribute_rewards");
      s.attributeRewards().forEach(attributes::put);
    }
    if (!s.prefixRewards().isEmpty()) {
      ArrayNode prefixes = node.putArray("prefix_rewards");
      s.prefixRewards().forEach(prefixes::add);
      if (s.firstBadStep() == null) {
        node.putNull("first_bad_step");
      } else {
        node.put("first_bad_step", s.firstBadStep());
      }
    }
    return node;
  }

  private JsonNode trajectories(JsonNode request) {
    JsonNode stepsNode = request.get("steps");
    if (stepsNode != null && !stepsNode.isBoolean()) {
      throw new HttpError(400, "steps must be true or false");
    }
    boolean withSteps = stepsNode == null || stepsNode.asBoolean();
    ScoredTrajectories scored = scoreTrajectories(optionalText(request, "model"),
        optionalText(request, "environment"), optionalNumber(request, "gamma"), optionalNumber(request, "k"),
        optionalText(request, "by"), spec -> TrajectoryJson.parse(request.get("trajectories")));
    TrajectoryScorer.Result result = scored.result();
    ObjectNode out = JSON.createObjectNode().put("model_name", result.modelName())
        .put("model_version", result.modelVersion()).put("environment", result.environment())
        .put("statistics_count", result.statisticsCount()).put("gamma", scored.gamma()).put("k", scored.k())
        .put("by", scored.by().label());
    ArrayNode ranked = out.putArray("trajectories");
    int rank = 1;
    for (TrajectoryScorer.Scored t : result.ranked(scored.by())) {
      ObjectNode node = ranked.addObject().put("rank", rank++).put("index", t.index())
          .put("return_mean", t.returnMean()).put("return_std", t.returnStd())
          .put("pessimistic_return", t.pessimistic()).put("optimistic_return", t.optimistic());
      if (!t.attributeReturns().isEmpty()) {
        ObjectNode attributes = node.putObject("attribute_returns");
        t.attributeReturns().forEach(attributes::put);
      }
      if (withSteps) {
        ArrayNode rewards = node.putArray("step_rewards");
        ArrayNode stds = node.putArray("step_stds");
        for (int i = 0; i < t.stepMean().length; i++) {
          rewards.add(t.stepMean()[i]);
          stds.add(t.stepStd()[i]);
        }
      }
    }
    return out;
  }

  /** The binary form: the same question and answer as {@link #trajectories(JsonNode)}, as Avro datums. */
  private byte[] trajectoriesAvro(TrajectoryAvro.Request request) {
    ScoredTrajectories scored = scoreTrajectories(request.model(), request.environment(), request.gamma(),
        request.k(), request.by(),
        spec -> TrajectoryAvro.unpack(request, spec.getStateMean().size(), spec.getActionMean().size()));
    return TrajectoryAvro.write(scored.result(), scored.by(), scored.gamma(), scored.k(), request.steps(),
        request.answerRevision());
  }

  /** A trajectories request answered, with the settings it was answered under. */
  private record ScoredTrajectories(TrajectoryScorer.Result result, RankBy by, double gamma, double k) {}

  /**
   * The question of either form, with the scorer's defaults for what it leaves out; {@code read} turns the request's
   * trajectories into steps, given the environment's statistics (whose dimensions unpack the binary form).
   */
  private ScoredTrajectories scoreTrajectories(String modelName, String environment, Double gamma, Double k,
      String by, java.util.function.Function<NormalizationStats, List<? extends TrajectoryScorer.Candidate>> read) {
    if (modelName != null && !modelName.equals(models.modelName())) {
      throw new HttpError(404, "model '" + modelName + "' is not served here; this scorer serves '"
          + models.modelName() + "'");
    }
    double discount = gamma == null ? config.discount() : gamma;
    double pessimism = k == null ? config.uncertaintyPenalty() : k;
    RankBy rankBy = by == null ? RankBy.MEAN : RankBy.parse(by);
    List<? extends TrajectoryScorer.Candidate> candidates = read.apply(trajectories.environmentStats(environment));
    recordBatch("/v1/trajectories", candidates.size());
    return new ScoredTrajectories(trajectories.score(liveModel(), environment, discount, pessimism, candidates),
        rankBy, discount, pessimism);
  }

  private static RankBy rankBy(JsonNode request) {
    String by = optionalText(request, "by");
    return by == null ? RankBy.MEAN : RankBy.parse(by);
  }

  private static double number(JsonNode request, String field, double fallback) {
    Double value = optionalNumber(request, field);
    return value == null ? fallback : value;
  }

  private static Double optionalNumber(JsonNode request, String field) {
    JsonNode node = request.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isNumber()) {
      throw new HttpError(400, field + " must be a number");
    }
    return node.asDouble();
  }

  private static ObjectNode modelFields(ObjectNode node, CandidateScorer.Result result) {
    return node.put("model_name", result.modelName()).put("model_version", result.modelVersion());
  }

  private JsonNode model() {
    ModelUpdate u = liveModel().update();
    ObjectNode out = JSON.createObjectNode()
        .put("model_name", u.getModelName())
        .put("model_version", u.getVersion())
        .put("created_at", u.getCreatedAt().toString())
        .put("artifact_uri", u.getArtifactUri())
        .put("sha256", u.getSha256())
        .put("architecture", u.getArchitecture())
        .put("reward_mean", u.getRewardMean())
        .put("reward_std", u.getRewardStd())
        .put("examples_trained", u.getExamplesTrained());
    out.putObject("feature_spec")
        .put("fingerprint", u.getFeatureSpec())
        .put("hash_bits", models.featureSpec().hashBits())
        .put("bigrams", models.featureSpec().bigrams())
        .put("numeric_features", NumericFeatures.of(models.featureSpec()).label())
        .put("step_separator", models.featureSpec().steps().describe());
    ObjectNode metrics = out.putObject("metrics");
    u.getMetrics().forEach((k, v) -> metrics.put(k.toString(), v));
    // The served reward is Σ weight × head reward: a client can recombine attribute_rewards with its own weights.
    ObjectNode attributes = out.putObject("attribute_weights");
    u.getAttributes().forEach(a -> attributes.put(a.getName(), a.getWeight()));
    out.put("max_candidates", scorer.maxCandidates());
    out.put("max_trajectories", trajectories.maxTrajectories());
    ObjectNode environments = out.putObject("environments");
    for (String environment : normalization.environments()) {
      normalization.normalizerOf(environment).ifPresent(n -> environments.putObject(environment)
          .put("state_dim", n.stats().getStateMean().size())
          .put("action_dim", n.stats().getActionMean().size())
          .put("statistics_count", n.stats().getCount()));
    }
    return out;
  }

  private Reply health() {
    KafkaStreams.State state = streamsState.get();
    Optional<LoadedModel> live = models.live();
    ObjectNode out = JSON.createObjectNode().put("streams_state", state.toString())
        .put("model_version", live.map(LoadedModel::version).orElse(0L));
    if (live.isEmpty()) {
      return new Reply(503, out.put("status", "WAITING").put("reason", "waiting for the first model version: "
          + "scoring starts once a verified version of model '" + models.modelName() + "' is live"));
    }
    List<String> problems = new ArrayList<>();
    if (state != KafkaStreams.State.RUNNING) {
      problems.add("the scorer's Streams application is " + state);
    }
    if (problems.isEmpty()) {
      return new Reply(200, out.put("status", "UP"));
    }
    return new Reply(503, out.put("status", "DOWN").put("reason", String.join("; ", problems)));
  }

  private LoadedModel liveModel() {
    return models.live().orElseThrow(() -> new HttpError(503,
        "no version of model '" + models.modelName() + "' is live yet"));
  }

  private static void requireMethod(String method, String allowed) {
    if (!method.equals(allowed)) {
      throw new HttpError(405, method + " not allowed here, use " + allowed);
    }
  }

  private static String optionalText(JsonNode request, String field) {
    JsonNode node = request.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new HttpError(400, field + " must be a string");
    }
    return node.asText();
  }

  private static byte[] readBody(HttpExchange exchange) throws IOException {
    byte[] body;
    long declared = declaredLength(exchange);
    try (InputStream in = exchange.getRequestBody()) {
      if (declared >= 0 && declared <= MAX_BODY_BYTES) {
        // Read into one array of the declared size: reading an unknown length copies the body chunk by chunk, a
        // second copy of a planner's body per request.
        body = new byte[(int) declared];
        int read = in.readNBytes(body, 0, body.length);
        if (read < body.length) {
          throw new HttpError(400, "body ended after " + read + " of its " + declared + " declared bytes");
        }
      } else {
        body = in.readNBytes(MAX_BODY_BYTES + 1);
      }
    }
    if (body.length > MAX_BODY_BYTES) {
      throw new HttpError(413, "request body is larger than " + MAX_BODY_BYTES + " bytes");
    }
    return body;
  }

  /** The Content-Length header's value; -1 when the request has none or it is not a number. */
  private static long declaredLength(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("Content-Length");
    if (header == null) {
      return -1;
    }
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static JsonNode readJson(HttpExchange exchange) throws IOException {
    byte[] body = readBody(exchange);
    JsonNode node;
    try {
      node = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new HttpError(400, "body is not valid JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new HttpError(400, "body must be a JSON object");
    }
    return node;
  }

  private static ObjectNode error(String message) {
    return JSON.createObjectNode().put("error", message);
  }
}
