package dev.rewardstream.ops;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.rewardstream.platform.TopicAdmin;
import dev.rewardstream.serde.SerdeConfig;
import dev.rewardstream.serde.Topics;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code rewardctl cluster up|status|down}: the real engines as separate processes on this host, each with its own
 * data directory, ports and log, as a multi-host deployment runs them: three Kafka brokers (KRaft, three replicas,
 * two in sync), the schema registry, a Flink standalone session cluster (a JobManager and two TaskManagers, from the
 * Maven jars; the feature job's jar submitted through Flink's client and REST API), two scorer instances of one
 * application, the drift monitor, and a trainer with a standby. {@code up} returns once every part is ready; the
 * processes run on until {@code down}.
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

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** One process of the cluster, as the process table records it. */
  record Member(String name, String role, long pid, String address, String log) {
    boolean alive() {
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
  }

  static Path table(Path dataDir) {
    return dataDir.resolve("cluster.json");
  }

  static List<Member> readTable(Path dataDir) throws IOException {
    Path table = table(dataDir);
    if (!Files.exists(table)) {
      throw new IllegalStateException("no cluster in " + dataDir.toAbsolutePath() + " (" + table.getFileName()
          + " is missing): start one with 'rewardctl cluster up --data-dir " + dataDir + "'");
    }
    return JSON.readValue(table.toFile(), new TypeReference<List<Member>>() {});
  }

  static void printTable(java.io.PrintWriter out, List<Member> members) {
    out.printf("%-12s %-10s %8s  %-8s %-32s %s%n", "NAME", "ROLE", "PID", "STATE", "ADDRESS", "LOG");
    for (Member member : members) {
      out.printf("%-12s %-10s %8d  %-8s %-32s %s%n", member.name(), member.role(), member.pid(),
          member.alive() ? "running" : "exited", member.address(), member.log());
    }
    out.flush();
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
    @Option(names = "--timeout-s", defaultValue = "240", description = "How long each part may take to get ready.")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
      Path dir = parent.dataDir.toAbsolutePath();
      if (Files.exists(table(dir)) && readTable(dir).stream().anyMatch(Member::alive)) {
        throw new IllegalStateException("a cluster is already running from " + dir + " ('rewardctl cluster status')");
      }
      Files.createDirectories(dir.resolve("logs"));
      Layout ports = new Layout(basePort);
      Path job = jobJar != null ? jobJar : defaultJobJar();
      Duration timeout = Duration.ofSeconds(timeoutSeconds);
      List<Member> members = new ArrayList<>();
      var out = parent.spec.commandLine().getOut();
      try {
          String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
        Path clusterIdFile = dir.resolve("kafka-cluster-id");
        if (Files.exists(clusterIdFile)) {
          clusterId = Files.readString(clusterIdFile).trim();
        } else {
          Files.writeString(clusterIdFile, clusterId);
        }
        for (int node = 1; node <= Layout.BROKERS; node++) {
          members.add(start(dir, "broker-" + node, "kafka", "127.0.0.1:" + ports.bootstrap(node), "-Xmx512m",
              List.of("broker", "--node-id", Integer.toString(node), "--quorum", ports.quorum(), "--cluster-id",
                  clusterId, "--data-dir", dir.resolve("broker-" + node).toString())));
        }
        String bootstrap = ports.bootstrapServers();
        awaitReady("3 brokers", timeout, members, () -> brokersUp(bootstrap));
        out.printf("cluster: 3 brokers on %s%n", bootstrap);
        out.flush();

        String registry = "http://127.0.0.1:" + ports.registry();
        members.add(start(dir, "registry", "registry", registry, "-Xmx256m",
            List.of("registry", "--bootstrap-servers", bootstrap, "--port", Integer.toString(ports.registry()))));
        awaitReady("the registry", timeout, members, () -> httpOk(registry + "/subjects"));
        Topics topics = Topics.connect(SerdeConfig.of(registry));
        TopicAdmin.ensureTopics(bootstrap, topics);
        out.printf("cluster: registry on %s, topics with 3 replicas (2 in sync)%n", registry);
        out.flush();

        FlinkStandalone flink = FlinkStandalone.configure(dir.resolve("flink"), ports.flinkRpc(), ports.flinkRest(),
            ports.flinkBlob());
        members.add(register("jobmanager", "flink", "http://127.0.0.1:" + ports.flinkRest(),
            flink.startJobManager(dir.resolve("logs")), dir.resolve("logs/jobmanager.log")));
        for (int tm = 1; tm <= 2; tm++) {
          members.add(register("taskmanager-" + tm, "flink", "(rpc: any port)",
              flink.startTaskManager(dir.resolve("logs"), "taskmanager-" + tm),
              dir.resolve("logs/taskmanager-" + tm + ".log")));
        }
        awaitReady("the JobManager and 2 TaskManagers", timeout, members, () -> flink.taskManagers() == 2);
        String jobId = flink.submit(job, List.of("--bootstrap-servers", bootstrap, "--schema-registry", registry,
            "--flink-parallelism", "2"), dir.resolve("logs/job-submission.log"));
        awaitReady("the feature job RUNNING", timeout, members, () -> flink.running(jobId));
        out.printf("cluster: Flink on http://127.0.0.1:%d, feature job %s running%n", ports.flinkRest(), jobId);
        out.flush();

        List<String> cluster = List.of("--bootstrap-servers", bootstrap, "--schema-registry", registry);
        for (int s = 1; s <= 2; s++) {
          Path state = dir.resolve("scorer-" + s);
          members.add(start(dir, "scorer-" + s, "scorer", "http://127.0.0.1:" + ports.scorerHttp(s), "-Xmx768m",
              concat(List.of("scorer"), cluster, List.of("--no-drift-monitor", "--state-dir",
                  state.resolve("state").toString(), "--pairs-state-dir", state.resolve("pairs").toString(),
                  "--drift-state-dir", state.resolve("drift").toString(), "--http-port",
                  Integer.toString(ports.scorerHttp(s)), "--metrics-port", Integer.toString(ports.metrics(s))))));
        }
        members.add(start(dir, "drift", "drift", "metrics :" + ports.metrics(3), "-Xmx512m",
            concat(List.of("scorer"), cluster, List.of("--no-scoring", "--no-pair-suggestions",
                "--drift-state-dir", dir.resolve("drift/state").toString(), "--state-dir",
                dir.resolve("drift/unused").toString(), "--metrics-port", Integer.toString(ports.metrics(3))))));
        for (int t = 1; t <= 2; t++) {
          members.add(start(dir, "trainer-" + t, "trainer", "metrics :" + ports.metrics(3 + t), "-Xmx1g",
              concat(List.of("trainer"), cluster, List.of("--artifact-dir", dir.resolve("artifacts").toString(),
                  "--metrics-port", Integer.toString(ports.metrics(3 + t))))));
        }
        for (Member service : members.subList(members.size() - 5, members.size())) {
          awaitReady(service.name(), timeout, members, () -> logShows(service, "Ctrl-C stops"));
        }
        writeTable(dir, members);
        out.printf("cluster: up; 'rewardctl cluster down --data-dir %s' stops it%n", parent.dataDir);
        printTable(out, members);
        return 0;
      } catch (Exception e) {
        writeTable(dir, members);
        out.printf("cluster: failed (%s); stopping what started%n", e.getMessage());
        out.flush();
        Down.stop(members, out);
        throw e;
      }
    }

    private static Path defaultJobJar() throws IOException {
      // This checkout's build: ops/target/lib/<jar> on the class path, the job jar under stream-jobs/target/.
      for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
        Path path = Path.of(entry).toAbsolutePath();
        if (path.getFileName() != null && path.getFileName().toString().startsWith("rewardstream-stream-jobs-")
            && path.getParent() != null) {
          Path root = path.getParent().getParent().getParent().getParent();
          try (var jars = Files.list(root.resolve("stream-jobs/target"))) {
            Optional<Path> job = jars.filter(p -> p.getFileName().toString().endsWith("-job.jar")).findFirst();
            if (job.isPresent()) {
              return job.get();
            }
          } catch (IOException ignored) {
            // reported below
          }
        }
      }
      throw new IllegalStateException("the feature job's jar was not found next to this build "
          + "(stream-jobs/target/*-job.jar): build it with 'mvn -DskipTests install', or pass --job-jar");
    }

    private Member start(Path dir, String name, String role, String address, String heap, List<String> args)
        throws IOException {
      Path log = dir.resolve("logs").resolve(name + ".log");
      List<String> command = new ArrayList<>(javaCommand(heap));
      command.add("-Dlog4j2.configurationFile=log4j2.properties");
      command.add("-Drewardctl.log.file=" + log);
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(RewardCtl.class.getName());
      command.addAll(args);
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(dir.resolve("logs").resolve(name + ".out").toFile()).start();
      return register(name, role, address, process, log);
    }

    private static Member register(String name, String role, String address, Process process, Path log) {
      return new Member(name, role, process.pid(), address, log.toString());
    }

    private static boolean logShows(Member member, String text) {
      try {
        Path out = Path.of(member.log()).resolveSibling(member.name() + ".out");
        return Files.exists(out) && Files.readString(out).contains(text);
      } catch (IOException e) {
        return false;
      }
    }

    /** Waits for {@code ready}; fails naming the part, and any process of the cluster that has exited meanwhile. */
    private static void awaitReady(String what, Duration timeout, List<Member> members, BooleanSupplier ready)
        throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!ready.getAsBoolean()) {
        for (Member member : members) {
          if (!member.alive()) {
            throw new IllegalStateException(member.name() + " exited while waiting for " + what + "; see "
                + member.log() + " and " + Path.of(member.log()).resolveSibling(member.name() + ".out"));
          }
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(what + " not ready within " + timeout);
        }
        Thread.sleep(250);
      }
    }

    private static boolean brokersUp(String bootstrap) {
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
          AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
          3_000))) {
        return admin.describeCluster().nodes().get().size() == Layout.BROKERS;
      } catch (Exception e) {
        return false;
      }
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
      List<String> all = new ArrayList<>();
      for (List<String> part : parts) {
        all.addAll(part);
      }
      return all;
    }
  }

  static boolean httpOk(String url) {
    try {
      HttpResponse<Void> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
          .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static JsonNode httpJson(String url) throws IOException, InterruptedException {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(url + " answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  /**
   * This JVM's java and its module options (Flink's add-opens, the vector module, DJL offline), with {@code heap}
   * ({@code -Xmx...}) unless null.
   */
  static List<String> javaCommand(String heap) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(option -> option.startsWith("--add-") || option.startsWith("-Dai.djl") || option.startsWith("-DDJL"))
        .toList());
    if (heap != null) {
      command.add(heap);
    }
    return command;
  }

  static void writeTable(Path dir, List<Member> members) throws IOException {
    Files.createDirectories(dir);
    JSON.writeValue(table(dir).toFile(), members);
  }

  /** The cluster's ports, all on 127.0.0.1, counted from one base. */
  record Layout(int base) {
    static final int BROKERS = 3;

    int bootstrap(int node) {
      return base + node - 1;
    }

    int controller(int node) {
      return base + 10 + node - 1;
    }

    String bootstrapServers() {
      List<String> servers = new ArrayList<>();
      for (int node = 1; node <= BROKERS; node++) {
        servers.add("127.0.0.1:" + bootstrap(node));
      }
      return String.join(",", servers);
    }

    String quorum() {
      List<String> voters = new ArrayList<>();
      for (int node = 1; node <= BROKERS; node++) {
        voters.add(node + "@" + bootstrap(node) + ":" + controller(node));
      }
      return String.join(",", voters);
    }

    int registry() {
      return base + 20;
    }

    int flinkRpc() {
      return base + 30;
    }

    int flinkRest() {
      return base + 31;
    }

    int flinkBlob() {
      return base + 32;
    }

    int scorerHttp(int instance) {
      return base + 40 + instance - 1;
    }

    int metrics(int service) {
      return base + 50 + service - 1;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Print the cluster's process table.")
  static final class Status implements Callable<Integer> {
    @ParentCommand ClusterCommand parent;

    @Override
    public Integer call() throws Exception {
      List<Member> members = readTable(parent.dataDir.toAbsolutePath());
      printTable(parent.spec.commandLine().getOut(), members);
      return members.stream().allMatch(Member::alive) ? 0 : 1;
    }
  }

  @Command(name = "down", mixinStandardHelpOptions = true,
      description = "Stop every process of the cluster (SIGTERM, services first, brokers last); data stays.")
  static final class Down implements Callable<Integer> {
    @ParentCommand ClusterCommand parent;

    @Override
    public Integer call() throws Exception {
      List<Member> members = readTable(parent.dataDir.toAbsolutePath());
      stop(members, parent.spec.commandLine().getOut());
      printTable(parent.spec.commandLine().getOut(), members);
      return 0;
    }

    /** In reverse start order by role: what reads and writes stops before what stores. */
    static void stop(List<Member> members, java.io.PrintWriter out) throws InterruptedException {
      for (List<String> roles : List.of(List.of("trainer", "scorer", "drift"), List.of("flink"),
          List.of("registry"), List.of("kafka"))) {
        List<ProcessHandle> stopping = new ArrayList<>();
        for (Member member : members) {
          if (roles.contains(member.role())) {
            ProcessHandle.of(member.pid()).filter(ProcessHandle::isAlive).ifPresent(process -> {
              process.destroy();
              stopping.add(process);
            });
          }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (ProcessHandle process : stopping) {
          while (process.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
          }
          if (process.isAlive()) {
            out.printf("cluster: pid %d did not stop within 30 s of SIGTERM; killing it%n", process.pid());
            process.destroyForcibly();
          }
        }
      }
      out.flush();
    }
  }
}
