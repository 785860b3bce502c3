package dev.rewardstream.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewardstream.drift.DriftConfig;
import dev.rewardstream.jobs.FeatureJobConfig;
import dev.rewardstream.jobs.RewardAttribution;
import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.runtime.PlatformConfig;
import dev.rewardstream.scorer.ScorerConfig;
import dev.rewardstream.scorer.pairs.PairSuggestionConfig;
import dev.rewardstream.serde.KafkaConnection;
import dev.rewardstream.serde.SerdeConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every scorer, drift-monitor, pair-suggestion and feature-job setting reaches its config, each set to a non-default. */
class ServiceOptionsTest {

  private static final FeatureSpec QUADRATIC = FeatureSpec.DEFAULT.withQuadraticNumbers();

  private static final String[] SERVICE_OPTIONS = {"--max-text-chars", "777", "--retained-outputs", "12",
      "--rescore-check-interval-ms", "250", "--uncertainty-penalty", "2.5", "--discount", "0.9",
      "--max-trajectories", "64", "--numeric-features", "quadratic",
      "--drift-quiet-period", "300", "--drift-per-agent", "--drift-adwin-delta", "0.01", "--drift-ph-delta", "0.2",
      "--drift-ph-lambda", "40", "--drift-ph-min-instances", "10", "--drift-reference-size", "200",
      "--drift-current-size", "100", "--drift-evaluate-every", "20", "--drift-psi-bins", "5",
      "--drift-psi-threshold", "0.3", "--drift-ks-alpha", "0.001", "--drift-uncertainty-z", "4",
      "--drift-uncertainty-ratio", "2", "--drift-length-min-correlation", "0.5", "--drift-length-min-rise", "0.3",
      "--drift-overopt-reward-rise", "0.7", "--drift-overopt-accuracy-drop", "0.1", "--drift-scope-idle-hours", "36",
      "--drift-hacking-window", "60", "--drift-warmup-examples", "250", "--drift-hacking-reward-rise", "0.4",
      "--drift-hacking-min-overrating", "0.15", "--drift-label-min-pairs", "80", "--drift-label-accuracy-drop", "0.2",
      "--pair-candidates-per-prompt", "3", "--pair-min-information", "0.05"};

  @Test
  void shouldApplyEveryServiceSettingOfTheScorerCommand() {
    ScorerCommand scorer = new ScorerCommand();
    new CommandLine(scorer).parseArgs(SERVICE_OPTIONS);

    assertExpected(scorer.scorerOptions.toConfig(scorer.featureOptions.toSpec()), scorer.driftOptions.toConfig(),
        scorer.pairOptions.toConfig(scorer.featureOptions.toSpec()));
  }

  @Test
  void shouldRefuseANonLoopbackBindUnlessAskedToBindInsecurely() {
    UpCommand up = new UpCommand();
    new CommandLine(up).parseArgs("--host", "0.0.0.0");
    assertThatThrownBy(() -> up.options.toConfig()).isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageStartingWith("--host 0.0.0.0 is not a loopback address").hasMessageEndingWith("--insecure-bind to "
            + "expose it anyway");

    UpCommand insecure = new UpCommand();
    new CommandLine(insecure).parseArgs("--host", "0.0.0.0", "--insecure-bind");
    assertThat(insecure.options.toConfig().host()).isEqualTo("0.0.0.0");
    DemoCommand local = new DemoCommand();
    new CommandLine(local).parseArgs("--host", "localhost");
    assertThat(local.options.toConfig().host()).isEqualTo("localhost");
  }

  @Test
  void shouldApplyTheSameSettingsAndTheFeatureJobsOnUp() {
    UpCommand up = new UpCommand();
    String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(SERVICE_OPTIONS),
        java.util.stream.Stream.of("--unmatched-timeout-s", "42", "--reward-attribution", "TERMINAL_STEP"))
        .toArray(String[]::new);
    new CommandLine(up).parseArgs(args);

    PlatformConfig config = up.options.toConfig();
    assertExpected(config.scorer(), config.drift(), config.pairs());
    FeatureJobConfig job = config.featureJobConfig(SerdeConfig.of("http://127.0.0.1:1"));
    assertThat(job.maxTextChars()).isEqualTo(777);
    assertThat(job.unmatchedTimeout()).isEqualTo(Duration.ofSeconds(42));
    assertThat(job.attribution()).isEqualTo(RewardAttribution.TERMINAL_STEP);
    assertThat(job.featureSpec()).as("the job featurizes as the scorer scores").isEqualTo(QUADRATIC);
    assertThat(config.trainerConfig(KafkaConnection.plaintext("127.0.0.1:1")).featureSpec()).isEqualTo(QUADRATIC);
  }

  @Test
  void shouldLeaveTheConfigsDefaultsWhenNothingIsSet() {
    UpCommand up = new UpCommand();
    new CommandLine(up).parseArgs();
    PlatformConfig config = up.options.toConfig();
    assertThat(config.scorer()).isEqualTo(ScorerConfig.defaults());
    assertThat(config.drift()).isEqualTo(DriftConfig.defaults());
    assertThat(config.pairs()).isEqualTo(PairSuggestionConfig.defaults());
    assertThat(config.featureJobConfig(SerdeConfig.of("http://127.0.0.1:1")))
        .isEqualTo(FeatureJobConfig.defaults(SerdeConfig.of("http://127.0.0.1:1")));
  }

  @Test
  void shouldShowTheConfigsDefaultsInHelp() {
    StringWriter help = new StringWriter();
    CommandLine line = new CommandLine(new ScorerCommand());
    line.setOut(new PrintWriter(help));
    line.execute("--help");

    ScorerConfig scorer = ScorerConfig.defaults();
    DriftConfig drift = DriftConfig.defaults();
    String text = help.toString().replaceAll("\\s+", " ");
    assertThat(text).contains("(default: " + scorer.maxTextChars() + ")")
        .contains("(default: " + scorer.retainedOutputs() + ")")
        .contains("(default: " + drift.quietPeriod() + ")")
        .contains("(default: " + drift.adwinDelta() + ")")
        .contains("(default: " + drift.scopeIdleTtl().toHours() + ")");
  }

  @Test
  void shouldLearnOnTheFeaturesTheTrainerCommandIsGiven() {
    TrainerCommand trainer = new TrainerCommand();
    new CommandLine(trainer).parseArgs("--numeric-features", "QUADRATIC");
    assertThat(trainer.features.toSpec()).isEqualTo(QUADRATIC);

    new CommandLine(trainer).parseArgs("--numeric-features", "cubic");
    assertThatThrownBy(() -> trainer.features.toSpec())
        .hasMessage("--numeric-features must be one of [unit, quadratic], got 'cubic'");
  }

  @Test
  void shouldEncodeTextWithTheEncoderNamedAndRefuseOneTheClassPathDoesNotHold() {
    TrainerCommand trainer = new TrainerCommand();
    new CommandLine(trainer).parseArgs();
    assertThat(trainer.features.toSpec()).as("none by default").isEqualTo(FeatureSpec.DEFAULT);

    new CommandLine(trainer).parseArgs("--text-encoder", "all-minilm-l6-v2-q", "--numeric-features", "quadratic");
    assertThat(trainer.features.toSpec()).isEqualTo(QUADRATIC.withTextEncoder("all-minilm-l6-v2-q"));
    assertThat(trainer.features.toSpec().fingerprint()).as("a version trained without it is refused")
        .isNotEqualTo(QUADRATIC.fingerprint());

    new CommandLine(trainer).parseArgs("--text-encoder", "bge-huge");
    assertThatThrownBy(() -> trainer.features.toSpec())
        .hasMessageStartingWith("no text encoder named \"bge-huge\" on the class path (found: all-minilm-l6-v2-q, "
            + "e5-small-v2-q)");
  }

  @Test
  void shouldListTheEncodersOnTheClassPath() {
    java.io.StringWriter out = new java.io.StringWriter();
    CommandLine cli = new CommandLine(new RewardCtl());
    cli.setOut(new java.io.PrintWriter(out));
    assertThat(cli.execute("encoders")).isZero();
    assertThat(out.toString()).contains("none").containsPattern("all-minilm-l6-v2-q\\s+384\\s+\\S*encoders")
        .containsPattern("e5-small-v2-q\\s+384\\s+\\S*encoders");
  }

  @Test
  void shouldRefuseAnOutOfRangeSettingWithItsName() {
    ScorerCommand scorer = new ScorerCommand();
    new CommandLine(scorer).parseArgs("--discount", "1.5", "--drift-ks-alpha", "2");

    assertThatThrownBy(() -> scorer.scorerOptions.toConfig(FeatureSpec.DEFAULT)).hasMessage("--discount must be in (0, 1], got 1.5");
    assertThatThrownBy(() -> scorer.driftOptions.toConfig()).hasMessage("ksAlpha must be in (0, 1), got 2.0");
  }

  private static void assertExpected(ScorerConfig scorer, DriftConfig drift, PairSuggestionConfig pairs) {
    assertThat(scorer).isEqualTo(new ScorerConfig(ScorerConfig.defaults().modelName(), QUADRATIC, 777, 12,
        Duration.ofMillis(250), 2.5, 0.9, 64));
    assertThat(drift).isEqualTo(new DriftConfig(300, DriftConfig.defaults().persistEvery(), true, 0.01,
        DriftConfig.defaults().adwinClock(), 0.2, 40, 10, 200, 100, 20, 5, 0.3, 0.001, 4, 2, 0.5, 0.3, 0.7, 0.1,
        60, 0.4, 0.15, 80, 0.2, 250, Duration.ofHours(36)));
    assertThat(pairs.candidatesPerPrompt()).isEqualTo(3);
    assertThat(pairs.featureSpec()).isEqualTo(QUADRATIC);
    assertThat(pairs.minInformation()).isEqualTo(0.05);
  }
}
