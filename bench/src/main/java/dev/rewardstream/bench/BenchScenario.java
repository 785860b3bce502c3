package dev.rewardstream.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/** One named benchmark: runs, reports progress, and returns its figures, its report section and its plots. */
public interface BenchScenario {

  /**
   * @param quick smoke size (the whole quick run about a minute)
   * @param data the HH-RLHF file, for the scenarios that need it
   * @param progress one line at a time, for the terminal
   * @param commandMain the class whose {@code main} runs rewardctl's commands, for scenarios that start services as
   *     processes; null where there is none
   */
  record Context(boolean quick, long seed, Path data, Consumer<String> progress, String commandMain) {}

  /**
   * @param figures what goes into result.json under the scenario's name
   * @param markdown the scenario's section of report.md (plots referenced by file name)
   * @param plots charts to write next to the report, by SVG file name (a PNG of each goes beside it)
   */
  record Result(Map<String, Object> figures, String markdown, Map<String, Chart> plots) {
    static Result of(Map<String, Object> figures, String markdown) {
      return new Result(figures, markdown, new LinkedHashMap<>());
    }
  }

  String name();

  Result run(Context context) throws Exception;
}
