package dev.rewardstream.ops;

import dev.rewardstream.data.DataSets;
import dev.rewardstream.data.DataSets.DataSet;
import dev.rewardstream.data.Download;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code rewardctl data}: the public data sets the benchmarks can use; nothing else needs them. */
@Command(name = "data", mixinStandardHelpOptions = true,
    description = "Public data sets for the benchmarks (optional: nothing else needs them).",
    subcommands = {DataCommand.Fetch.class, DataCommand.ListSets.class})
final class DataCommand {

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Known data sets and where they are kept.")
  static final class ListSets implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      for (DataSet set : DataSets.ALL.values()) {
        Path path = set.defaultPath();
        out.printf("%-8s %s; %s%n         %s (%s)%n         from %s%n", set.name(), set.description(), set.licence(),
            path, Files.isRegularFile(path) ? "present" : "absent: rewardctl data fetch " + set.name(), set.url());
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "fetch", mixinStandardHelpOptions = true,
      description = "Download a data set from its public location and check its sha256.")
  static final class Fetch implements Callable<Integer> {

    @Parameters(paramLabel = "NAME", description = "The data set: hh-rlhf.") String name;

    @Option(names = "--to", paramLabel = "DIR",
        description = "Directory to write into (default: the per-user data directory the benchmarks read, "
            + "$REWARDSTREAM_DATA_HOME, $XDG_DATA_HOME/rewardstream or ~/.local/share/rewardstream, then NAME/).")
    Path to;

    @Option(names = "--url", description = "Fetch from a mirror instead of the data set's public location.") URI url;

    @Option(names = "--sha256", description = "Expect this sha256 instead of the published one (a mirror's own copy).")
    String sha256;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      DataSet set = DataSets.named(name);
      Path destination = to == null ? set.defaultPath() : to.resolve(set.fileName());
      String expected = sha256 == null ? set.sha256() : sha256;
      if (Files.isRegularFile(destination) && Download.sha256Of(destination).equalsIgnoreCase(expected)) {
        out.printf("%s is already at %s (sha256 checked)%n", set.name(), destination);
        out.flush();
        return 0;
      }
      URI from = url == null ? set.url() : url;
      out.printf("fetching %s from %s%n", set.name(), from);
      out.flush();
      new Download(line -> {
        out.println(line);
        out.flush();
      }, Duration.ofSeconds(1)).fetch(from, expected, destination);
      out.printf("%s written to %s (sha256 %s); licence: %s%n", set.name(), destination, expected, set.licence());
      out.flush();
      return 0;
    }
  }
}
