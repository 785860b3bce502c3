package dev.rewardstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code rewardctl scorer} runs its three applications by default, any of them alone on request, never none. */
class ScorerCommandTest {

  @Test
  void shouldRunBothApplicationsByDefault() {
    ScorerCommand scorer = parse();

    assertThat(scorer.scoring).isTrue();
    assertThat(scorer.driftMonitor).isTrue();
    assertThat(scorer.pairSuggestions).isTrue();
  }

  @Test
  void shouldRunEitherAlone() {
    assertThat(parse("--no-drift-monitor").driftMonitor).isFalse();
    assertThat(parse("--no-drift-monitor").scoring).isTrue();
    assertThat(parse("--no-scoring").scoring).isFalse();
    assertThat(parse("--no-scoring").driftMonitor).isTrue();
    assertThat(parse("--no-pair-suggestions").pairSuggestions).isFalse();
    assertThat(parse("--no-scoring", "--no-drift-monitor").pairSuggestions).isTrue();
  }

  @Test
  void shouldRefuseToRunNothingBeforeConnectingAnywhere() {
    StringWriter err = new StringWriter();
    CommandLine commandLine = new CommandLine(new ScorerCommand()).setErr(new PrintWriter(err));

    int exit = commandLine.execute("--bootstrap-servers", "127.0.0.1:1", "--no-scoring", "--no-drift-monitor",
        "--no-pair-suggestions");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("leave nothing to run");
  }

  private static ScorerCommand parse(String... args) {
    ScorerCommand command = new ScorerCommand();
    new CommandLine(command).parseArgs(args);
    return command;
  }
}
