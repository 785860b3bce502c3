package dev.rewardstream.ops;

import dev.rewardstream.model.ResponseSteps;
import dev.rewardstream.replay.Replayer;
import dev.rewardstream.sim.KafkaRecordSink;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rewardctl replay FILE}: historical logs into the {@code interactions} and {@code preferences} topics, at
 * {@code --rate} lines per second, with a progress line every {@code --progress-every} lines. Formats: the project's
 * JSONL ({@code --format jsonl}, see README "Replaying logs") and HH-RLHF ({@code --format hh-rlhf}); either may be
 * gzipped. Malformed lines go to {@code --rejects} (line number, reason, the line) and are skipped; the exit code is 0
 * even then, and the summary line says how many.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = "Ingest a JSONL, HH-RLHF, PRM800K or HelpSteer log into the topics with rate control; malformed lines "
        + "go to a rejects file.")
final class ReplayCommand implements Callable<Integer> {

  enum FormatOption {
    jsonl(Replayer.Format.JSONL), hh_rlhf(Replayer.Format.HH_RLHF), prm800k(Replayer.Format.PRM800K),
    helpsteer(Replayer.Format.HELPSTEER);

    final Replayer.Format format;

    FormatOption(Replayer.Format format) {
      this.format = format;
    }
  }

  @Mixin ClusterOptions cluster;

  @Parameters(index = "0", description = "Log file (.jsonl, optionally gzipped).") Path file;

  @Option(names = "--format", defaultValue = "jsonl", converter = FormatConverter.class,
      description = "jsonl, hh-rlhf, prm800k (OpenAI's PRM800K step labels: each solution one interaction with "
          + "step_ratings) or helpsteer (NVIDIA's HelpSteer/HelpSteer2: each response one interaction with its 0-4 "
          + "ratings) (default: ${DEFAULT-VALUE}).")
  FormatOption format;

  @Option(names = "--step-separator", defaultValue = "\\n\\n", paramLabel = "TEXT",
      description = "prm800k: what joins a solution's steps, the platform's --step-separator (default: "
          + "${DEFAULT-VALUE}).")
  String stepSeparator;

  @Option(names = "--rate", defaultValue = "0",
      description = "Input lines per second; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--rejects", description = "Rejects file (default: FILE.rejects).") Path rejects;

  @Option(names = "--progress-every", defaultValue = "1000", description = "Lines between progress lines.")
  long progressEvery;

  @Spec CommandSpec spec;

  static final class FormatConverter implements picocli.CommandLine.ITypeConverter<FormatOption> {
    @Override
    public FormatOption convert(String value) {
      return FormatOption.valueOf(value.replace('-', '_'));
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path rejectsFile = rejects != null ? rejects : Path.of(file + ".rejects");
    // The file holds this replay's rejects: one left by an earlier replay must not outlive a clean one.
    Files.deleteIfExists(rejectsFile);
    try (PrintWriter rejectsOut = new PrintWriter(new CreatedOnFirstWrite(rejectsFile));
        KafkaRecordSink sink = new KafkaRecordSink(cluster.kafka(), cluster.topics())) {
      Replayer replayer = new Replayer(format.format, rate, rejectsOut, p -> {
        out.printf("[%6.1fs] %d lines (%.0f/s): %d interactions, %d preferences sent, %d rejected%n",
            p.elapsedSeconds(), p.lines(), p.linesPerSecond(), p.interactions(), p.preferences(), p.rejected());
        out.flush();
      }, progressEvery, format.format == Replayer.Format.PRM800K ? ResponseSteps.separatedBy(stepSeparator)
          : ResponseSteps.NONE);
      Replayer.Progress done = replayer.replay(file, sink);
      out.printf("replayed %s: %d interactions and %d preferences stored; %d malformed lines skipped%s%n", file,
          done.interactions(), done.preferences(), done.rejected(),
          done.rejected() > 0 ? " (see " + rejectsFile + ")" : "");
    }
    return 0;
  }

  /** A file writer that creates its file on the first write, so a clean replay leaves none beside its input. */
  private static final class CreatedOnFirstWrite extends Writer {
    private final Path path;
    private Writer out;

    CreatedOnFirstWrite(Path path) {
      this.path = path;
    }

    @Override
    public void write(char[] buffer, int offset, int length) throws IOException {
      if (out == null) {
        out = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
      }
      out.write(buffer, offset, length);
    }

    @Override
    public void flush() throws IOException {
      if (out != null) {
        out.flush();
      }
    }

    @Override
    public void close() throws IOException {
      if (out != null) {
        out.close();
      }
    }
  }
}
