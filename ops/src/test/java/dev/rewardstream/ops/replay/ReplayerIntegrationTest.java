package dev.rewardstream.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.sim.KafkaRecordSink;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.LabelSource;
import dev.rewardstream.schema.Preference;
import dev.rewardstream.schema.PreferenceOutcome;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.testing.EmbeddedKafkaExtension;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Both replay formats into a real broker, malformed lines included, read back from the topics. */
class ReplayerIntegrationTest {

  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();
  @TempDir Path files;

  @Test
  void shouldReplayProjectJsonlAndRejectMalformedLinesWithTheirNumbers() throws Exception {
    // Given a log with two good records and three malformed lines
    Path log = files.resolve("log.jsonl");
    Files.write(log, List.of(
        "{\"type\":\"interaction\",\"interaction_id\":\"j-1\",\"agent_id\":\"ag\",\"policy_version\":\"p1\","
            + "\"event_time\":\"2024-05-01T10:00:00Z\",\"prompt\":\"hi\",\"response\":\"hello\","
            + "\"state\":[0.5,null],\"env_reward\":1.5,\"metadata\":{\"k\":\"v\"},\"ratings\":{\"helpfulness\":3}}",
        "{\"type\":\"preference\",\"preference_id\":\"j-pref\",\"event_time\":1714557600000,"
            + "\"a\":{\"interaction_id\":\"j-1\"},\"b\":{\"interaction_id\":\"j-2\"},\"outcome\":\"B\",\"source\":\"AI\","
            + "\"attribute\":\"conciseness\"}",
        "{\"type\":\"interaction\", oops",
        "{\"type\":\"interaction\",\"interaction_id\":\"j-3\",\"policy_version\":\"p1\",\"event_time\":1}",
        "",
        "{\"type\":\"preference\",\"preference_id\":\"j-x\",\"event_time\":1,\"a\":{},\"b\":{},\"outcome\":\"MAYBE\","
            + "\"source\":\"AI\"}"), StandardCharsets.UTF_8);
    StringWriter rejects = new StringWriter();

    // When it is replayed
    Replayer.Progress done = replay(Replayer.Format.JSONL, log, rejects);

    // Then the good records are in the topics, field for field, and each bad line is reported with its number
    assertThat(done.interactions()).isEqualTo(1);
    assertThat(done.preferences()).isEqualTo(1);
    assertThat(done.rejected()).isEqualTo(3);
    List<String> rejectLines = rejects.toString().lines().toList();
    assertThat(rejectLines).hasSize(3);
    assertThat(rejectLines.get(0)).startsWith("3\tbad JSON");
    assertThat(rejectLines.get(1)).startsWith("4\tmissing field agent_id").endsWith("\"event_time\":1}");
    assertThat(rejectLines.get(2)).startsWith("6\toutcome: expected one of [A, B, TIE]");

    Interaction interaction = readInteractions(1, i -> i.getInteractionId().equals("j-1")).get(0);
    assertThat(interaction.getEventTime()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
    assertThat(interaction.getState()).containsExactly(0.5f, null);
    assertThat(interaction.getEnvReward()).isEqualTo(1.5);
    assertThat(interaction.getStep()).isZero();
    assertThat(interaction.getMetadata()).containsEntry("k", "v");
    assertThat(interaction.getRatings()).containsEntry("helpfulness", 3f);
    Preference preference = readPreferences(1, p -> p.getPreferenceId().equals("j-pref")).get(0);
    assertThat(preference.getOutcome()).isEqualTo(PreferenceOutcome.B);
    assertThat(preference.getSource()).isEqualTo(LabelSource.AI);
    assertThat(preference.getConfidence()).isEqualTo(1.0f);
    assertThat(preference.getB().getInteractionId()).isEqualTo("j-2");
    assertThat(preference.getAttribute()).isEqualTo("conciseness");
  }

  @Test
  void shouldTurnEachHhRlhfLineIntoTwoInteractionsAndAHumanPreference() throws Exception {
    // Given a gzipped HH-RLHF file with two good pairs, bad JSON, a missing side and a dialogue without an answer
    Path log = files.resolve("hh-sample.jsonl.gz");
    List<String> lines = List.of(
        pair("\n\nHuman: how do I bake bread?\n\nAssistant: Flour, water, yeast, time.",
            "\n\nHuman: how do I bake bread?\n\nAssistant: Buy it."),
        "not json at all",
        "{\"chosen\": \"\\n\\nHuman: hi\\n\\nAssistant: hello\"}",
        pair("\n\nHuman: hi", "\n\nHuman: hi\n\nAssistant: go away"),
        pair("\n\nHuman: a\n\nAssistant: b\n\nHuman: c\n\nAssistant: d, kindly", "\n\nHuman: a\n\nAssistant: b"
            + "\n\nHuman: c\n\nAssistant: no"));
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(log))) {
      out.write(String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
    }
    StringWriter rejects = new StringWriter();

    // When it is replayed
    Replayer.Progress done = replay(Replayer.Format.HH_RLHF, log, rejects);

    // Then two pairs are in the topics, split at the final assistant turn, and three lines are rejected by number
    assertThat(done.preferences()).isEqualTo(2);
    assertThat(done.interactions()).isEqualTo(4);
    assertThat(rejects.toString().lines().map(l -> l.substring(0, l.indexOf('\t')))).containsExactly("2", "3", "4");
    assertThat(rejects.toString()).contains("missing or non-text \"rejected\"").contains("no \"Assistant:\" turn");

    List<Interaction> interactions = readInteractions(4, i -> i.getInteractionId().startsWith("hh-sample-"));
    assertThat(interactions).extracting(Interaction::getInteractionId).containsExactlyInAnyOrder(
        "hh-sample-1-chosen", "hh-sample-1-rejected", "hh-sample-5-chosen", "hh-sample-5-rejected");
    Interaction chosen = interactions.stream().filter(i -> i.getInteractionId().equals("hh-sample-5-chosen"))
        .findFirst().orElseThrow();
    assertThat(chosen.getResponse()).isEqualTo("d, kindly");
    assertThat(chosen.getPrompt()).isEqualTo("\n\nHuman: a\n\nAssistant: b\n\nHuman: c");
    List<Preference> preferences = readPreferences(2, p -> p.getPreferenceId().startsWith("hh-sample-"));
    assertThat(preferences).hasSize(2).allSatisfy(p -> {
      assertThat(p.getOutcome()).isEqualTo(PreferenceOutcome.A);
      assertThat(p.getSource()).isEqualTo(LabelSource.HUMAN);
      assertThat(p.getA().getInteractionId()).isEqualTo(p.getPreferenceId() + "-chosen");
      assertThat(p.getB().getInteractionId()).isEqualTo(p.getPreferenceId() + "-rejected");
    });
  }

  @Test
  void shouldTurnEachPrm800kSolutionIntoAnInteractionWithItsStepRatings() throws Exception {
    // Given the PRM800K-format fixture: a phase-2 solution stopped at its first error, a correct one whose last step
    // holds the separator, a phase-1 one with the labeler's own step, a bad problem, and a line without a problem
    Path log = files.resolve("prm800k-sample.jsonl");
    try (var in = ReplayerIntegrationTest.class.getResourceAsStream("/prm800k-sample.jsonl")) {
      Files.copy(in, log);
    }
    StringWriter rejects = new StringWriter();
    dev.rewardstream.model.ResponseSteps steps = dev.rewardstream.model.ResponseSteps.separatedBy("\\n\\n");

    Replayer.Progress done;
    try (KafkaRecordSink sink = new KafkaRecordSink(KAFKA.infra().kafka(), KAFKA.infra().topics())) {
      done = new Replayer(Replayer.Format.PRM800K, 0, new PrintWriter(rejects), p -> { }, 100, steps)
          .replay(log, sink);
    }

    assertThat(done.interactions()).isEqualTo(3);
    assertThat(rejects.toString().lines()).satisfiesExactly(
        l -> assertThat(l).startsWith("4\tthe labeler reported a bad problem"),
        l -> assertThat(l).startsWith("5\tmissing question.problem"));
    List<Interaction> solutions = readInteractions(3, i -> i.getInteractionId().startsWith("prm800k-sample-"));
    Interaction stopped = byId(solutions, "prm800k-sample-1");
    assertThat(stopped.getPrompt()).isEqualTo("What is 2 + 2 times 3?");
    assertThat(steps.split(stopped.getResponse())).containsExactly("Multiplication comes before addition.",
        "Let me write the expression down.", "So 2 + 2 = 4, and 4 times 3 = 12.");
    assertThat(stopped.getStepRatings()).containsExactly(1f, 0f, -1f);
    assertThat(stopped.getPolicyVersion()).isEqualTo("generation-9");
    assertThat(stopped.getEventTime()).isEqualTo(Instant.parse("2023-01-22T04:34:27.052Z"));
    Interaction solved = byId(solutions, "prm800k-sample-2");
    assertThat(steps.split(solved.getResponse())).containsExactly("Subtract 1 from both sides.",
        "So x = 4. # Answer 4");
    assertThat(solved.getStepRatings()).containsExactly(1f, 1f);
    Interaction own = byId(solutions, "prm800k-sample-3");
    assertThat(steps.split(own.getResponse())).containsExactly("10 / 4 = 2.5.", "# Answer 2.5");
    assertThat(own.getStepRatings()).containsExactly(1f, null);
    // Each matches the step cut the feature job checks it against.
    for (Interaction solution : solutions) {
      new dev.rewardstream.model.InteractionValidator(32_768).validateStepRatings(solution, steps);
    }
  }

  @Test
  void shouldTurnEachHelpSteerLineIntoAnInteractionRatedPerAttribute() throws Exception {
    Path log = files.resolve("helpsteer-sample.jsonl");
    Files.write(log, List.of(
        "{\"prompt\": \"c#\", \"response\": \"C# is a language by Microsoft.\", \"helpfulness\": 3, "
            + "\"correctness\": 4, \"coherence\": 4, \"complexity\": 2, \"verbosity\": 1}",
        "{\"prompt\": \"hi\", \"response\": \"hello\", \"helpfulness\": 9}",
        "{\"prompt\": \"hi\", \"response\": \"hello\"}",
        "{\"prompt\": \"hi\", \"response\": \"hey\", \"verbosity\": 0}"), StandardCharsets.UTF_8);
    StringWriter rejects = new StringWriter();

    Replayer.Progress done = replay(Replayer.Format.HELPSTEER, log, rejects);

    assertThat(done.interactions()).isEqualTo(2);
    assertThat(rejects.toString().lines()).satisfiesExactly(
        l -> assertThat(l).startsWith("2\thelpfulness is 9; HelpSteer rates 0 to 4"),
        l -> assertThat(l).startsWith("3\tno rating"));
    List<Interaction> rated = readInteractions(2, i -> i.getInteractionId().startsWith("helpsteer-sample-"));
    assertThat(byId(rated, "helpsteer-sample-1").getRatings()).containsOnly(
        java.util.Map.entry("helpfulness", 3f), java.util.Map.entry("correctness", 4f),
        java.util.Map.entry("coherence", 4f), java.util.Map.entry("complexity", 2f),
        java.util.Map.entry("verbosity", 1f));
    assertThat(byId(rated, "helpsteer-sample-4").getRatings()).containsOnly(java.util.Map.entry("verbosity", 0f));
  }

  private static Interaction byId(List<Interaction> interactions, String id) {
    return interactions.stream().filter(i -> i.getInteractionId().equals(id)).findFirst().orElseThrow();
  }

  private static String pair(String chosen, String rejected) {
    return "{\"chosen\": " + json(chosen) + ", \"rejected\": " + json(rejected) + "}";
  }

  private static String json(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  private static Replayer.Progress replay(Replayer.Format format, Path log, StringWriter rejects) throws Exception {
    List<Replayer.Progress> progress = new ArrayList<>();
    try (KafkaRecordSink sink = new KafkaRecordSink(KAFKA.infra().kafka(), KAFKA.infra().topics())) {
      Replayer.Progress done = new Replayer(format, 0, new PrintWriter(rejects), progress::add, 2).replay(log, sink);
      assertThat(progress).as("progress reported along the way and at the end").hasSizeGreaterThan(1);
      return done;
    }
  }

  private static List<Interaction> readInteractions(int expected, Predicate<Interaction> ours) {
    return TopicIO.readUntil(KAFKA.infra().bootstrapServers(), KAFKA.infra().topics().interactions, Duration.ofSeconds(30),
        read -> read.stream().filter(ours).count() >= expected).stream().filter(ours).toList();
  }

  private static List<Preference> readPreferences(int expected, Predicate<Preference> ours) {
    return TopicIO.readUntil(KAFKA.infra().bootstrapServers(), KAFKA.infra().topics().preferences, Duration.ofSeconds(30),
        read -> read.stream().filter(ours).count() >= expected).stream().filter(ours).toList();
  }
}
