package dev.rewardstream.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * How a response is cut into the steps of a reasoning chain, for process rewards: at every occurrence of a separator
 * (TRL's {@code step_separator}), blank steps dropped. {@link #NONE} cuts nothing, so every response is one step, as
 * without process rewards. The feature job, the scorer and the replay of step-labelled logs use the same instance, so
 * a step means the same everywhere.
 */
public final class ResponseSteps implements Serializable {

  private static final long serialVersionUID = 1L;

  public static final ResponseSteps NONE = new ResponseSteps("");

  private final String separator;

  private ResponseSteps(String separator) {
    this.separator = separator;
  }

  /**
   * From the command line's form: {@code \n}, {@code \t} and {@code \\} stand for a newline, a tab and a backslash, so
   * a shell can pass {@code --step-separator '\n\n'}; empty for {@link #NONE}.
   */
  public static ResponseSteps separatedBy(String text) {
    if (text == null || text.isEmpty()) {
      return NONE;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '\\' || i + 1 == text.length()) {
        out.append(c);
        continue;
      }
      char next = text.charAt(++i);
      switch (next) {
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case '\\' -> out.append('\\');
        default -> throw new IllegalArgumentException("step separator '" + text + "': unknown escape \\" + next
            + " (known: \\n, \\t, \\\\)");
      }
    }
    return new ResponseSteps(out.toString());
  }

  public boolean enabled() {
    return !separator.isEmpty();
  }

  public String separator() {
    return separator;
  }

  /** The steps of {@code response}: one, the response itself, when nothing separates it (or steps are off). */
  public List<String> split(String response) {
    if (!enabled() || response == null || !response.contains(separator)) {
      return response == null ? List.of() : List.of(response);
    }
    List<String> steps = new ArrayList<>();
    int from = 0;
    while (from <= response.length()) {
      int at = response.indexOf(separator, from);
      String step = at < 0 ? response.substring(from) : response.substring(from, at);
      if (!step.isBlank()) {
        steps.add(step);
      }
      if (at < 0) {
        break;
      }
      from = at + separator.length();
    }
    return steps.isEmpty() ? List.of(response) : steps;
  }

  /** {@code steps} as one response that {@link #split} cuts back into them (a separator inside a step is a space). */
  public String join(List<String> steps) {
    if (!enabled()) {
      throw new IllegalStateException("joining steps needs a step separator");
    }
    List<String> cleaned = new ArrayList<>(steps.size());
    for (String step : steps) {
      cleaned.add(step.replace(separator, " "));
    }
    return String.join(separator, cleaned);
  }

  /** The command line's form, escapes written back. */
  public String describe() {
    return escape(separator);
  }

  /** {@code text} with backslashes, newlines and tabs written as {@link #separatedBy} reads them. */
  static String escape(String text) {
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResponseSteps other && other.separator.equals(separator);
  }

  @Override
  public int hashCode() {
    return separator.hashCode();
  }

  @Override
  public String toString() {
    return enabled() ? "steps separated by '" + describe() + "'" : "one step per response";
  }
}
