package dev.rewardstream.ops;

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
        ScorerCommand.class, AlertsCommand.class, ReplayCommand.class, SimulateCommand.class,
        BenchCommand.class})
public final class RewardCtl {

  public static void main(String[] args) {
    // Before any HTTP server of this JVM starts (the schema registry's may be first); see ScoringHttpServer.
    System.setProperty(dev.rewardstream.scorer.http.ScoringHttpServer.NODELAY_PROPERTY, "true");
    System.exit(new CommandLine(new RewardCtl()).execute(args));
  }
}
