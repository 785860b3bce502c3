package dev.rewardstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rewardstream.bench.BenchRunner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code rewardctl bench --quick} end to end: every scenario runs and the report is well-formed. */
class BenchCommandTest {

  @TempDir Path out;
  @TempDir Path data;

  @Test
  void shouldWriteAWellFormedJsonResultAndMarkdownReportInQuickMode() throws Exception {
    // Given a file in the HH-RLHF format, made here: the suite reads nothing outside the repository
    Path fixture = HhRlhfFixture.write(data.resolve("hh-fixture.jsonl.gz"), 450, 7);
    StringWriter console = new StringWriter();
    CommandLine cli = new CommandLine(new RewardCtl());
    cli.setOut(new PrintWriter(console));

    // When the quick benchmark runs
    int exit = cli.execute("bench", "--quick", "--out", out.toString(), "--data", fixture.toString());

    // Then every scenario has its figures in result.json, and report.md has a section and plots for them
    assertThat(exit).as(console.toString()).isZero();
    JsonNode result = new ObjectMapper().readTree(out.resolve("result.json").toFile());
    assertThat(result.get("quick").asBoolean()).isTrue();
    assertThat(result.get("peak_rss_mib").asDouble()).isPositive();
    JsonNode scenarios = result.get("scenarios");
    assertThat(scenarios.fieldNames()).toIterable().containsExactlyElementsOf(BenchRunner.SCENARIOS);
    scenarios.forEach(s -> assertThat(s.has("error")).as(s.toString()).isFalse());
    assertThat(scenarios.get("chaos").get("skipped").asText()).as("a 12-process cluster: full runs only")
        .contains("a full run only");
    assertThat(scenarios.get("scale-out").get("skipped").asText()).as("scorer processes and two Flink clusters")
        .contains("a full run only");
    assertThat(scenarios.get("hh-rlhf-live").get("skipped").asText()).as("ten minutes of encoding")
        .contains("a full run only");

    JsonNode curves = scenarios.get("label-efficiency");
    JsonNode issueWorld = curves.get("worlds").get("issue200");
    assertThat(issueWorld.get("bayes_optimal").asDouble()).isBetween(0.5, 1.0);
    for (String learner : List.of("default", "sgd", "ftrl", "sgd-counts", "ftrl-counts")) {
      JsonNode at1000 = issueWorld.get("learners").get(learner).get("1000");
      assertThat(at1000.get("unseen_mean").asDouble()).as(learner).isBetween(0.6, 1.0);
      assertThat(at1000.get("seen_mean").asDouble()).as(learner).isBetween(0.6, 1.0);
    }
    assertThat(curves.get("worlds").get("control-segments").get("learners").get("default").get("1000")
        .get("unseen_mean").asDouble()).isBetween(0.5, 1.0);
    assertThat(curves.get("default_vs_best_anchor").get("cells").asInt()).isPositive();
    assertThat(curves.get("hh_rlhf").get("learners").get("default").get("250").get("mean").asDouble())
        .isBetween(0.0, 1.0);
    JsonNode selection = scenarios.get("pair-selection").get("worlds").get("issue200");
    assertThat(selection.get("random_accuracy_at_reference").asDouble()).isBetween(0.5, 1.0);
    assertThat(selection.get("active_curve").size()).isEqualTo(selection.get("random_curve").size()).isPositive();
    assertThat(selection.get("oracle_curve").size()).isEqualTo(selection.get("random_curve").size());
    // Knowing the hidden reward, the oracle's choice of pair must at least keep up with a random one's.
    assertThat(selection.get("oracle_accuracy_at_reference").asDouble())
        .isGreaterThan(selection.get("random_accuracy_at_reference").asDouble() - 0.03);
    JsonNode hh = scenarios.get("hh-rlhf");
    assertThat(hh.get("pairs").asInt()).isEqualTo(400);
    assertThat(hh.get("linear").get("accuracy_mean").asDouble()).isBetween(0.0, 1.0);
    assertThat(hh.get("default").get("accuracy_mean").asDouble()).isBetween(0.0, 1.0);
    assertThat(hh.get("shorter_wins_accuracy").asDouble()).isBetween(0.0, 1.0);
    JsonNode stationary = scenarios.get("bt-stream").get("stationary");
    assertThat(stationary.get("final_label_accuracy").asDouble())
        .isLessThanOrEqualTo(stationary.get("final_bayes_optimal").asDouble() + 0.1);
    assertThat(stationary.get("final_expected_label_accuracy").asDouble()).as("no model beats the Bayes-optimal")
        .isGreaterThan(0.5).isLessThanOrEqualTo(stationary.get("final_bayes_optimal").asDouble());
    assertThat(stationary.get("final_gap").asDouble()).isGreaterThanOrEqualTo(0);
    assertThat(scenarios.get("bt-stream").get("preference-drift").has("recovery_pairs")).isTrue();
    assertThat(scenarios.get("bt-stream").get("network-stationary").get("learner").asText()).startsWith("MLP");
    JsonNode freshness = scenarios.get("freshness");
    assertThat(freshness.get("preference_to_served_model").get("count").asInt()).isPositive();
    assertThat(freshness.get("preference_to_served_model").get("p95_s").asDouble())
        .isGreaterThanOrEqualTo(freshness.get("preference_to_served_model").get("p50_s").asDouble());
    JsonNode live = freshness.get("live_accuracy_over_time");
    assertThat(live.isArray() && live.size() > 0).as("live accuracy measured on fresh pairs").isTrue();
    assertThat(live.get(live.size() - 1).get("vs_true_reward").asDouble()).isBetween(0.0, 1.0);
    JsonNode liveLearning = scenarios.get("label-efficiency-live").get("worlds").get("issue200");
    JsonNode at300 = liveLearning.get("cells").get(1);
    assertThat(at300.get("labels").asInt()).isEqualTo(300);
    assertThat(at300.get("live_versions").get(0).asLong()).as("a version was serving after 300 labels").isPositive();
    assertThat(at300.get("live_mean").asDouble()).isBetween(0.5, 1.0);
    assertThat(at300.get("bench_mean").asDouble()).isBetween(0.5, 1.0);
    assertThat(liveLearning.get("examples_identical_to_bench").asInt()).as("the feature job builds the bench's examples")
        .isEqualTo(liveLearning.get("examples_produced").asInt()).isEqualTo(300);
    assertThat(scenarios.get("trainer-throughput").get("batch_size").fieldNames()).toIterable()
        .containsExactly("16", "64", "256");
    JsonNode scorer = scenarios.get("scorer-throughput");
    assertThat(scorer.get("scorer_records_per_s").asDouble()).isPositive();
    assertThat(scorer.get("ratio").asDouble()).isPositive();
    assertThat(scorer.get("scorer_cpu_us_per_record").asDouble()).isPositive();
    assertThat(scorer.get("with_text_encoder").fieldNames()).toIterable().as("every encoder on the class path")
        .containsExactly("all-minilm-l6-v2-q", "e5-small-v2-q");
    // A quick run's rates are too short to compare (the full run's figures are in docs/bench): each pass is measured.
    scorer.get("with_text_encoder").forEach(encoder -> {
      assertThat(encoder.get("interactions").asInt()).isEqualTo(40);
      assertThat(encoder.get("records_per_s").asDouble()).isPositive();
      assertThat(encoder.get("cpu_us_per_record").asDouble()).isPositive();
      assertThat(encoder.get("ratio_to_no_encoder").asDouble()).isPositive();
    });
    JsonNode tls = scenarios.get("scorer-tls");
    assertThat(tls.get("interactions").asLong()).isPositive();
    assertThat(tls.get("secured_records_per_s").asDouble()).isPositive();
    assertThat(tls.get("secured_to_plaintext").asDouble()).isPositive();
    JsonNode api = scenarios.get("scoring-api");
    assertThat(api.get("rank_over_http").get("count").asInt()).isEqualTo(api.get("requests_measured").asInt());
    assertThat(api.get("rank_over_http").get("p50_s").asDouble())
        .as("a request over HTTP costs at least its scoring in process")
        .isGreaterThan(api.get("anchor_same_scoring_in_process").get("p50_s").asDouble());
    JsonNode featureJob = scenarios.get("feature-job-latency").get("checkpoint_1000ms");
    assertThat(featureJob.get("sent").asInt()).isPositive();
    assertThat(featureJob.get("examples").asInt()).isEqualTo(featureJob.get("distinct_examples").asInt())
        .isEqualTo(featureJob.get("sent").asInt());
    assertThat(featureJob.get("latency").get("p50_s").asDouble()).isPositive();
    JsonNode adwin = scenarios.get("drift-detectors").get("ADWIN delta=0.002");
    assertThat(adwin.get("delays").get("2.0sigma").get("mean_delay_events").asDouble()).isBetween(1.0, 5_000.0);
    assertThat(adwin.get("false_alarms_per_million").asDouble()).isGreaterThanOrEqualTo(0.0);
    JsonNode featureShift = scenarios.get("drift-detectors").get("Feature shift KS alpha=1e-4/5 500+500");
    assertThat(featureShift.get("delays").get("2.0sigma").get("mean_delay_events").asDouble())
        .isBetween(1.0, 5_000.0);

    String report = Files.readString(out.resolve("report.md"));
    assertThat(report).startsWith("# rewardstream benchmark report");
    BenchRunner.SCENARIOS.forEach(name -> assertThat(report).contains("\n## " + name + "\n"));
    assertThat(report).doesNotContain("**Failed:**");
    // Every chart the report names is there, as SVG and as PNG
    java.util.regex.Matcher embedded = java.util.regex.Pattern.compile("!\\[[^]]*]\\(([^)]+)\\.svg\\)").matcher(report);
    List<String> charts = new java.util.ArrayList<>();
    while (embedded.find()) {
      charts.add(embedded.group(1));
    }
    assertThat(charts).contains("hh-rlhf-accuracy", "bt-stream-preference-drift", "pair-selection",
        "label-efficiency-issue200", "label-efficiency-live");
    for (String chart : charts) {
      assertThat(out.resolve(chart + ".svg")).content().contains("<svg").contains("</svg");
      assertThat(javax.imageio.ImageIO.read(out.resolve(chart + ".png").toFile())).as(chart).isNotNull();
    }
    assertThat(console.toString()).contains("== freshness done");
  }

  @Test
  void shouldSkipHhRlhfWithWhereToGetItWhenTheDataIsAbsentAndRunTheRest() throws Exception {
    // Given no HH-RLHF file where --data points
    Path absent = data.resolve("nowhere.jsonl.gz");
    StringWriter console = new StringWriter();
    CommandLine cli = new CommandLine(new RewardCtl());
    cli.setOut(new PrintWriter(console));

    // When the quick benchmark runs hh-rlhf and another scenario
    int exit = cli.execute("bench", "--quick", "--scenarios", "hh-rlhf,drift-detectors", "--out", out.toString(),
        "--data", absent.toString());

    // Then the run succeeds, hh-rlhf is recorded as skipped with where to get the data, and the other one ran
    assertThat(exit).as(console.toString()).isZero();
    JsonNode scenarios = new ObjectMapper().readTree(out.resolve("result.json").toFile()).get("scenarios");
    assertThat(scenarios.get("hh-rlhf").get("skipped").asText()).contains(absent.toString())
        .contains("rewardctl data fetch hh-rlhf").contains("github");
    assertThat(scenarios.get("drift-detectors").has("ADWIN delta=0.002")).isTrue();
    assertThat(Files.readString(out.resolve("report.md"))).contains("**Skipped:** HH-RLHF data not found");
    assertThat(console.toString()).contains("skipped scenarios: [hh-rlhf]");
  }
}
