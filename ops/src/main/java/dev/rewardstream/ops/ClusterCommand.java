package dev.rewardstream.ops;

import dev.rewardstream.model.ResponseSteps;
import dev.rewardstream.model.RewardAttributes;
import dev.rewardstream.runtime.cluster.LocalCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code rewardctl cluster up|status|down}: the real engines as separate processes on this host ({@link LocalCluster}).
 * {@code up} returns once every part is ready; the processes run on until {@code down}.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = "Run the system as separate processes on this host: 3 Kafka brokers, the registry, a Flink "
        + "standalone cluster (JobManager + 2 TaskManagers) with the feature job, 2 scorers, the drift monitor, "
        + "a trainer and a standby.",
    subcommands = {ClusterCommand.Up.class, ClusterCommand.Status.class, ClusterCommand.Down.class})
final class ClusterCommand implements Runnable {

  @Option(names = "--data-dir", defaultValue = "rewardstream-cluster", scope = picocli.CommandLine.ScopeType.INHERIT,
      description = "Where every process keeps its data and log, and the cluster's process table "
          + "(default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "up", mixinStandardHelpOptions = true,
      description = "Start every process, wait until each is ready, print the process table.")
  static final class Up implements Callable<Integer> {

    @ParentCommand ClusterCommand parent;
    @Option(names = "--base-port", defaultValue = "19092",
        description = "The first of the 60 ports the cluster uses on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    int basePort;
    @Option(names = "--job-jar", description = "The feature job's jar (default: stream-jobs/target/ of this checkout).")
    Path jobJar;
    @Option(names = "--timeout-s", defaultValue = "240", description = "How long each part may take to get ready "
        + "(default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;
    @Option(names = "--secure", description = "Brokers with SASL_SSL (SCRAM-SHA-512) for clients and mutual TLS between "
        + "them, ACLs, the registry over HTTPS with basic auth, one principal per service, the scoring API over HTTPS "
        + "with a bearer token; the CA, passwords, token and client files go to DATA_DIR/security/.")
    boolean secure;
    @Option(names = "--attributes", paramLabel = "NAME=WEIGHT,...", description = "One reward head per attribute, "
        + "as on 'up' (passed to the trainers).")
    String attributes;
    @Option(names = "--step-separator", paramLabel = "TEXT", description = "Process rewards: responses cut into steps, "
        + "as on 'up' (passed to the feature job, the scorers and the trainers).")
    String stepSeparator;

    @Override
    public Integer call() throws Exception {
      var out = parent.spec.commandLine().getOut();
      LocalCluster cluster = LocalCluster.up(parent.dataDir, new LocalCluster.Layout(basePort, secure), modelOptions(),
          jobJar != null ? jobJar : LocalCluster.defaultJobJar(), RewardCtl.class.getName(),
          Duration.ofSeconds(timeoutSeconds), lines(out));
      out.printf("cluster: up; 'rewardctl cluster down --data-dir %s' stops it%n", parent.dataDir);
      if (secure) {
        out.printf("cluster: secured; client files %s, API token %s%n",
            LocalCluster.securityDir(parent.dataDir).resolve("client-PRINCIPAL.properties"),
            LocalCluster.securityDir(parent.dataDir).resolve("api-token"));
      }
      LocalCluster.printTable(out, cluster.members());
      return 0;
    }

    /** Checked here, so a bad value fails 'cluster up' before any process starts. */
    LocalCluster.ModelOptions modelOptions() {
      List<String> feature = new ArrayList<>();
      if (stepSeparator != null) {
        ResponseSteps.separatedBy(stepSeparator);
        feature.addAll(List.of("--step-separator", stepSeparator));
      }
      List<String> learner = new ArrayList<>();
      if (attributes != null) {
        RewardAttributes.parse(attributes);
        learner.addAll(List.of("--attributes", attributes));
      }
      return new LocalCluster.ModelOptions(feature, learner);
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Print the cluster's process table; exit 1 when a process has exited.")
  static final class Status implements Callable<Integer> {
    @ParentCommand ClusterCommand parent;

    @Override
    public Integer call() throws Exception {
      List<LocalCluster.Member> members = LocalCluster.readTable(parent.dataDir.toAbsolutePath());
      LocalCluster.printTable(parent.spec.commandLine().getOut(), members);
      return members.stream().allMatch(LocalCluster.Member::alive) ? 0 : 1;
    }
  }

  @Command(name = "down", mixinStandardHelpOptions = true,
      description = "Stop every process of the cluster (SIGTERM, services first, brokers last); data stays.")
  static final class Down implements Callable<Integer> {
    @ParentCommand ClusterCommand parent;

    @Override
    public Integer call() throws Exception {
      var out = parent.spec.commandLine().getOut();
      List<LocalCluster.Member> members = LocalCluster.readTable(parent.dataDir.toAbsolutePath());
      LocalCluster.stop(members, lines(out));
      LocalCluster.printTable(out, members);
      return 0;
    }
  }

  /** Progress lines to the console as they come (a cluster takes minutes to start). */
  private static java.util.function.Consumer<String> lines(java.io.PrintWriter out) {
    return line -> {
      out.println(line);
      out.flush();
    };
  }
}
