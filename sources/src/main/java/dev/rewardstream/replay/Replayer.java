package dev.rewardstream.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rewardstream.sim.Pacer;
import dev.rewardstream.sim.RecordSink;
import dev.rewardstream.model.ResponseSteps;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.Preference;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Reads a log file line by line and hands its records to a sink at a bounded rate. A line that cannot become records
 * is reported with its number and reason to the rejects writer (and counted) and the replay goes on; every other line
 * is sent whole. Gzip is recognised by its magic bytes, whatever the file is called.
 */
public final class Replayer {

  /** Input formats. */
  public enum Format {
    /** {@link JsonRecords}: one interaction or preference per line. */
    JSONL,
    /** {@link HhRlhfRecords}: one chosen/rejected pair per line. */
    HH_RLHF,
    /** {@link Prm800kRecords}: one step-labelled solution per line. */
    PRM800K,
    /** {@link HelpSteerRecords}: one response rated per attribute per line. */
    HELPSTEER
  }

  /** Counts so far; {@code lines} includes blank lines, which are skipped without being rejects. */
  public record Progress(long lines, long interactions, long preferences, long rejected, double elapsedSeconds) {
    public double linesPerSecond() {
      return elapsedSeconds <= 0 ? 0 : lines / elapsedSeconds;
    }
  }

  private final Format format;
  private final double linesPerSecond;
  private final PrintWriter rejects;
  private final Consumer<Progress> progress;
  private final long progressEveryLines;
  private final ResponseSteps steps;

  /**
   * @param linesPerSecond input lines per second; 0 = as fast as the sink takes them
   * @param rejects where malformed lines go: {@code line<TAB>reason<TAB>the line}
   * @param progress called every {@code progressEveryLines} lines and once at the end
   */
  public Replayer(Format format, double linesPerSecond, PrintWriter rejects, Consumer<Progress> progress,
      long progressEveryLines) {
    this(format, linesPerSecond, rejects, progress, progressEveryLines, ResponseSteps.NONE);
  }

  /** @param steps how the platform cuts responses into steps: PRM800K's solutions are joined with its separator */
  public Replayer(Format format, double linesPerSecond, PrintWriter rejects, Consumer<Progress> progress,
      long progressEveryLines, ResponseSteps steps) {
    if (format == Format.PRM800K && !steps.enabled()) {
      throw new IllegalArgumentException("--format prm800k needs the platform's --step-separator");
    }
    this.steps = steps;
    this.format = format;
    this.linesPerSecond = linesPerSecond;
    this.rejects = rejects;
    this.progress = progress;
    this.progressEveryLines = progressEveryLines;
  }

  public Progress replay(Path file, RecordSink sink) throws IOException, InterruptedException {
    String source = sourceName(file);
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(open(file), StandardCharsets.UTF_8))) {
      Pacer pacer = new Pacer(linesPerSecond);
      long lines = 0;
      long interactions = 0;
      long preferences = 0;
      long rejected = 0;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lines++;
        if (line.isBlank()) {
          continue;
        }
        pacer.await();
        try {
          JsonNode node = JsonRecords.parse(line);
          if (format == Format.HELPSTEER) {
            sink.interaction(HelpSteerRecords.interaction(node, source, lines, Instant.now()));
            interactions++;
          } else if (format == Format.PRM800K) {
            sink.interaction(Prm800kRecords.interaction(node, steps, source, lines, Instant.now()));
            interactions++;
          } else if (format == Format.HH_RLHF) {
            HhRlhfRecords.Records records =
                HhRlhfRecords.records(HhRlhfRecords.pair(node), source, lines, Instant.now());
            records.interactions().forEach(sink::interaction);
            interactions += records.interactions().size();
            sink.preference(records.preference());
            preferences++;
          } else {
            SpecificRecordBase record = JsonRecords.toRecord(node);
            if (record instanceof Interaction interaction) {
              sink.interaction(interaction);
              interactions++;
            } else {
              sink.preference((Preference) record);
              preferences++;
            }
          }
        } catch (JsonRecords.MalformedLineException e) {
          rejected++;
          rejects.println(lines + "\t" + e.getMessage().replace('\t', ' ').replace('\n', ' ') + "\t" + line);
        }
        if (lines % progressEveryLines == 0) {
          progress.accept(new Progress(lines, interactions, preferences, rejected, pacer.elapsedSeconds()));
        }
      }
      sink.flush();
      rejects.flush();
      Progress done = new Progress(lines, interactions, preferences, rejected, pacer.elapsedSeconds());
      progress.accept(done);
      return done;
    }
  }

  /** Id prefix of replayed records: the file name without extensions, e.g. harmless-base-test. */
  static String sourceName(Path file) {
    String name = file.getFileName().toString();
    int dot = name.indexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  public static InputStream open(Path file) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(file));
    in.mark(2);
    int b1 = in.read();
    int b2 = in.read();
    in.reset();
    return b1 == 0x1f && b2 == 0x8b ? new GZIPInputStream(in, 1 << 16) : in;
  }
}
