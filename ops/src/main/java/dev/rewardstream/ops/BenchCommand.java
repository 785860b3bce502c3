package dev.rewardstream.ops;

import dev.rewardstream.bench.BenchRunner;
import dev.rewardstream.bench.BenchScenario;
import dev.rewardstream.data.DataSets;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rewardctl bench}: runs named benchmark scenarios and writes {@code result.json}, {@code report.md} and SVG
 * plots to {@code --out}. {@code --quick} is a smoke run of about a minute; the full run takes a few minutes per
 * scenario on 2 cores. The {@code freshness} scenario starts its own embedded platform on free ports.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Run benchmark scenarios; write result.json, report.md and plots to --out.")
final class BenchCommand implements Callable<Integer> {

  @Option(names = "--out", defaultValue = "bench-results", description = "Output directory (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--quick", description = "Smoke sizes: about a minute in all.") boolean quick;

  @Option(names = "--scenarios", split = ",", description = "Comma-separated subset of: ${COMPLETION-CANDIDATES} "
      + "(default: all).", completionCandidates = ScenarioNames.class)
  List<String> scenarios;

  @Option(names = "--data", description = "HH-RLHF harmless-base test.jsonl.gz (default: where 'rewardctl data "
      + "fetch hh-rlhf' puts it; hh-rlhf is skipped when it is absent).")
  Path data;

  @Option(names = "--seed", defaultValue = "1") long seed;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    out.println("bench: logs in " + LogFile.current());
    List<String> names = scenarios == null ? BenchRunner.SCENARIOS : scenarios;
    names.forEach(BenchRunner::scenario);
    Path dataFile = data != null ? data : DataSets.HH_RLHF.defaultPath();
    BenchScenario.Context context = new BenchScenario.Context(quick, seed, dataFile, line -> {
      out.println(line);
      out.flush();
    }, RewardCtl.class.getName());
    BenchRunner.Outcome outcome = BenchRunner.run(names, context, this.out, context.progress());
    out.printf("wrote %s and %s%n", outcome.resultJson(), outcome.report());
    if (!outcome.skipped().isEmpty()) {
      out.println("skipped scenarios: " + outcome.skipped() + " (why: in the report)");
    }
    if (!outcome.failed().isEmpty()) {
      spec.commandLine().getErr().println("failed scenarios: " + outcome.failed());
      return 1;
    }
    return 0;
  }

  /** The scenario names for help, from the one list the runner keeps. */
  static final class ScenarioNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return BenchRunner.SCENARIOS.iterator();
    }
  }
}
