package dev.rewardstream.scorer;

import static dev.rewardstream.scorer.LiveModelFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rewardstream.model.FeatureSpec;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Latency of {@code POST /v1/rank} with 16 candidates over loopback, one client, the production feature spec (2^14) and
 * network width (32). Measures and prints; asserts nothing about speed. Excluded from the default build; run it with
 *
 * <pre>
 * mvn -B -o test -pl scorer -am -Dgroups=bench -Dbench.excluded=none -Dtest=ScoringHttpBenchmark \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * and read {@code scorer/target/surefire-reports/dev.rewardstream.scorer.ScoringHttpBenchmark-output.txt}.
 */
@Tag("bench")
class ScoringHttpBenchmark {

  private static final int CANDIDATES = 16;
  private static final int WARMUP = 300;
  private static final int MEASURED = 3_000;

  @TempDir Path dir;

  @Test
  void shouldReportRankLatencyFor16Candidates() throws Exception {
    ScorerConfig config = ScorerConfig.defaults();
    FeatureSpec spec = config.featureSpec();
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try (ModelHolder models = new ModelHolder("reward", spec);
        LiveModelFixture fixture = new LiveModelFixture(dir, spec, 32);
        ScoringHttpServer server = ScoringHttpServer.start("127.0.0.1", 0, models, config,
            () -> KafkaStreams.State.RUNNING, 2)) {
      fixture.publish(models, 1);
      Random random = new Random(7);
      String[] words = "the a reset password open settings security click account help sorry please try again later"
          .split(" ");
      long[] nanos = new long[MEASURED];
      long[] inProcess = new long[MEASURED];
      CandidateScorer direct = new CandidateScorer(new dev.rewardstream.model.Featurizer(spec),
          new dev.rewardstream.model.InteractionValidator(config.maxTextChars()), CANDIDATES);
      for (int n = 0; n < WARMUP + MEASURED; n++) {
        ObjectNode request = new ObjectMapper().createObjectNode().put("prompt", "how do I reset my password " + n);
        ArrayNode candidates = request.putArray("candidates");
        for (int c = 0; c < CANDIDATES; c++) {
          StringBuilder text = new StringBuilder();
          for (int w = 0; w < 40; w++) {
            text.append(words[random.nextInt(words.length)]).append(' ');
          }
          candidates.add(text.toString());
        }
        String body = request.toString();
        long start = System.nanoTime();
        int status = send(client, "POST", server.url() + "/v1/rank", body).statusCode();
        long elapsed = System.nanoTime() - start;
        assertThat(status).isEqualTo(200);
        java.util.List<String> texts = new java.util.ArrayList<>();
        candidates.forEach(c -> texts.add(c.asText()));
        long directStart = System.nanoTime();
        direct.score(models.live().orElseThrow(), request.get("prompt").asText(), texts);
        long directElapsed = System.nanoTime() - directStart;
        if (n >= WARMUP) {
          nanos[n - WARMUP] = elapsed;
          inProcess[n - WARMUP] = directElapsed;
        }
      }
      Arrays.sort(nanos);
      System.out.printf("BENCH /v1/rank %d candidates, %d requests after %d warm-up, one client over loopback: "
              + "p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n", CANDIDATES, MEASURED, WARMUP,
          pct(nanos, 0.50), pct(nanos, 0.90), pct(nanos, 0.99), nanos[nanos.length - 1] / 1e6);
      Arrays.sort(inProcess);
      System.out.printf("BENCH same 16 candidates in process (validate + featurize + one score call): "
          + "p50 %.2f ms, p99 %.2f ms%n", pct(inProcess, 0.50), pct(inProcess, 0.99));
    }
  }

  private static double pct(long[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
  }
}
