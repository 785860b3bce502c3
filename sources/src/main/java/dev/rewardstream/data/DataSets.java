package dev.rewardstream.data;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The public data sets the benchmarks can use, where they come from and where they are kept on this machine. None is
 * needed to build, test or run the system; {@code rewardctl data fetch NAME} downloads one and checks its sha256.
 */
public final class DataSets {

  /** A downloadable file: its public location, its sha256 as published there, and the file name it is kept under. */
  public record DataSet(String name, URI url, String sha256, String fileName, String licence, String description) {

    /** Where {@code rewardctl data fetch} puts it by default, and where the benchmarks look for it. */
    public Path defaultPath() {
      return home().resolve(name).resolve(fileName);
    }
  }

  /**
   * Anthropic's HH-RLHF, harmless-base test split: 2,312 human preference pairs (MIT licence). The sha256 is that of
   * the gzip file as served from the repository, unchanged since 2022.
   */
  public static final DataSet HH_RLHF = new DataSet("hh-rlhf",
      URI.create("https://raw.githubusercontent.com/anthropics/hh-rlhf/master/harmless-base/test.jsonl.gz"),
      "ebfaaed21162a4de120ae85366075b34425e2a6303fac59b99555002f7016f03", "harmless-base-test.jsonl.gz",
      "MIT (Copyright (c) 2022 Anthropic)",
      "Anthropic HH-RLHF harmless-base test split, 2,312 preference pairs");

  public static final Map<String, DataSet> ALL = Map.of(HH_RLHF.name(), HH_RLHF);

  private DataSets() {}

  public static DataSet named(String name) {
    DataSet set = ALL.get(name);
    if (set == null) {
      throw new IllegalArgumentException("unknown data set '" + name + "'; known: " + List.copyOf(ALL.keySet()));
    }
    return set;
  }

  /**
   * {@code $REWARDSTREAM_DATA_HOME}, else {@code $XDG_DATA_HOME/rewardstream}, else
   * {@code ~/.local/share/rewardstream}: a per-user place outside any checkout, so data fetched once serves every
   * clone and never lands in a working tree.
   */
  public static Path home() {
    String explicit = System.getenv("REWARDSTREAM_DATA_HOME");
    if (explicit != null && !explicit.isBlank()) {
      return Path.of(explicit);
    }
    String xdg = System.getenv("XDG_DATA_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "rewardstream");
    }
    return Path.of(System.getProperty("user.home"), ".local", "share", "rewardstream");
  }
}
