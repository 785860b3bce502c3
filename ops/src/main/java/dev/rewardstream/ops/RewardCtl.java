package dev.rewardstream.ops;

import dev.rewardstream.runtime.StartupException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code rewardctl}: run the embedded platform, the demo, or one service of a real deployment.
 *
 * <p>Every option can also be set in {@code ~/.rewardctl.properties} (or the file named by the system property
 * {@code picocli.defaults.rewardctl.path}); options on the command line win.
 */
@Command(name = "rewardctl", mixinStandardHelpOptions = true, version = "rewardctl 0.1.0",
    description = "Streaming, online reward learning on Kafka, Flink, DJL and Kafka Streams.",
    defaultValueProvider = CommandLine.PropertiesDefaultProvider.class,
    subcommands = {UpCommand.class, DemoCommand.class, TopicsCommand.class, TrainerCommand.class,
        ScorerCommand.class, DashboardCommand.class, AlertsCommand.class, ReplayCommand.class, SimulateCommand.class,
        BenchCommand.class, DataCommand.class, ClusterCommand.class, BrokerCommand.class, RegistryCommand.class,
        EncodersCommand.class, RotateCommand.class})
public final class RewardCtl {

  private static final Logger LOG = LoggerFactory.getLogger(RewardCtl.class);

  public static void main(String[] args) {
    // Before any HTTP server of this JVM starts (the schema registry's may be first); see ScoringHttpServer.
    System.setProperty(dev.rewardstream.scorer.ScoringHttpServer.NODELAY_PROPERTY, "true");
    String defaultsProblem = DefaultsFile.problem();
    if (defaultsProblem != null) {
      System.err.println("rewardctl: " + defaultsProblem);
      System.exit(2);
    }
    System.exit(commandLine().execute(args));
  }

  /**
   * The CLI with its error handling: a failed command prints one line on the console, what failed and what to do
   * where the cause is known ({@link StartupException}), and the full trace goes to the log only.
   */
  static CommandLine commandLine() {
    return new CommandLine(new RewardCtl()).setExecutionStrategy(parsed -> {
      List<CommandLine> chosen = parsed.asCommandLineList();
      LogFile.useFor(chosen.get(chosen.size() - 1).getCommandSpec());
      return new CommandLine.RunLast().execute(parsed);
    }).setExecutionExceptionHandler((error, cli, parsed) -> {
      String name = cli.getCommandSpec().qualifiedName(" ");
      String command = name.startsWith("rewardctl") ? name : "rewardctl " + name;
      LOG.error("{} failed", command, error);
      String line = error instanceof StartupException ? error.getMessage() : describe(error)
          + " (details in " + LogFile.current() + ")";
      cli.getErr().println(command + ": " + line);
      cli.getErr().flush();
      return 1;
    });
  }

  /** The innermost cause's message, which names what went wrong, with its type when the message alone is vague. */
  private static String describe(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? "" : root.getMessage();
    return (error == root ? "" : error.getMessage() + ": ") + root.getClass().getSimpleName()
        + (message.isEmpty() ? "" : " " + message);
  }
}
