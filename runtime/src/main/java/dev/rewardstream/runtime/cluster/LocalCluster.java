package dev.rewardstream.runtime.cluster;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.rewardstream.platform.EmbeddedInfrastructure;
import dev.rewardstream.platform.EmbeddedKafka;
import dev.rewardstream.platform.SchemaRegistryServer;
import dev.rewardstream.platform.SecureClients;
import dev.rewardstream.platform.TopicAdmin;
import dev.rewardstream.runtime.PlatformSecurity;
import dev.rewardstream.serde.KafkaConnection;
import dev.rewardstream.serde.SerdeConfig;
import dev.rewardstream.serde.Topics;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
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
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The real engines as separate processes on this host, each with its own data directory, ports and log, as a
 * multi-host deployment runs them: three Kafka brokers (KRaft, three replicas, two in sync), the schema registry, a
 * Flink standalone session cluster (a JobManager and two TaskManagers, the feature job submitted through Flink's
 * client and REST API), two scorer instances of one application, the drift monitor, and a trainer with a standby.
 * The services run {@code rewardctl}'s commands ({@code commandMain}); the process table ({@code cluster.json}) lets
 * another process stop them, and this one kill and restart any of them (the chaos bench).
 */
public final class LocalCluster {

  public static final int BROKERS = 3;
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  /** One client for every readiness poll (four a second while a part starts). */
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  /** What every service prints once it runs (the scorer's and trainer's banners end so). */
  private static final String SERVICE_BANNER = "Ctrl-C stops";

  /** One process of the cluster, as the process table records it; {@code command} starts it again. */
  public record Member(String name, String role, long pid, String address, String log, String out,
      List<String> command) {
    public boolean alive() {
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    Member restarted(long newPid) {
      return new Member(name, role, newPid, address, log, out, command);
    }
  }

  /**
   * What the model is, as the services' own options say it, passed through as given: {@code featureArgs} to the feature
   * job, the scorers and the trainers (one feature spec everywhere, e.g. {@code --step-separator}),
   * {@code learnerArgs} to the trainers (e.g. {@code --attributes}).
   */
  public record ModelOptions(List<String> featureArgs, List<String> learnerArgs) {
    public static final ModelOptions DEFAULTS = new ModelOptions(List.of(), List.of());

    public ModelOptions {
      featureArgs = List.copyOf(featureArgs);
      learnerArgs = List.copyOf(learnerArgs);
    }
  }

  /** The cluster's ports, all on 127.0.0.1, counted from one base. */
  public record Layout(int base, boolean secure) {
    /** Every port the cluster listens on, relative to the base. */
    public static final int[] OFFSETS = {0, 1, 2, 3, 4, 5, 10, 11, 12, 20, 30, 31, 32, 40, 41, 50, 51, 52, 53, 54};

    public Layout(int base) {
      this(base, false);
    }

    int bootstrap(int node) {
      return base + node - 1;
    }

    int controller(int node) {
      return base + 10 + node - 1;
    }

    /** A secured node's mutual-TLS listener, for the other nodes and the cluster's super user. */
    int internal(int node) {
      return base + 3 + node - 1;
    }

    /** The brokers' mutual-TLS listeners: how {@code cluster up --secure} administers them. */
    public String internalServers() {
      List<String> servers = new ArrayList<>();
      for (int node = 1; node <= BROKERS; node++) {
        servers.add("127.0.0.1:" + internal(node));
      }
      return String.join(",", servers);
    }

    public String bootstrapServers() {
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

    public String registryUrl() {
      return (secure ? "https" : "http") + "://127.0.0.1:" + (base + 20);
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

    public int scorerHttp(int instance) {
      return base + 40 + instance - 1;
    }

    public int metrics(int service) {
      return base + 50 + service - 1;
    }
  }

  private final Path dir;
  private final Layout ports;
  private final ModelOptions model;
  private final String commandMain;
  private final Path jobJar;
  private final Duration timeout;
  private final Consumer<String> progress;
  private final List<Member> members = new ArrayList<>();
  /** Null for an unsecured cluster. */
  private final EmbeddedInfrastructure.Security security;
  private final HttpClient registryClient;
  private FlinkStandalone flink;
  private String jobId;

  private LocalCluster(Path dir, Layout ports, ModelOptions model, String commandMain, Path jobJar, Duration timeout,
      Consumer<String> progress) {
    this.dir = dir;
    this.ports = ports;
    this.model = model;
    this.security = ports.secure() ? PlatformSecurity.prepare(securityDir(dir), "127.0.0.1", "") : null;
    this.registryClient = security == null ? HTTP
        : HttpClient.newBuilder().sslContext(security.tls().clientContext()).build();
    this.commandMain = commandMain;
    this.jobJar = jobJar;
    this.timeout = timeout;
    this.progress = progress;
  }

  /**
   * Starts every process and waits until each part is ready; on a failure stops what it started and throws, naming
   * the part (and a process that exited meanwhile, with its log).
   *
   * @param commandMain the class whose {@code main} runs rewardctl's commands
   */
  public static LocalCluster up(Path dataDir, int basePort, Path jobJar, String commandMain, Duration timeout,
      Consumer<String> progress) throws Exception {
    return up(dataDir, new Layout(basePort), jobJar, commandMain, timeout, progress);
  }

  /**
   * As {@link #up(Path, int, Path, String, Duration, Consumer)}, secured when {@code layout} says so: brokers with
   * SASL_SSL for clients and mutual TLS between them, ACLs, the registry over HTTPS with basic auth, each service with
   * its principal's client file, the scoring API over HTTPS with the bearer token ({@code DATA_DIR/security/}).
   */
  public static LocalCluster up(Path dataDir, Layout layout, Path jobJar, String commandMain, Duration timeout,
      Consumer<String> progress) throws Exception {
    return up(dataDir, layout, ModelOptions.DEFAULTS, jobJar, commandMain, timeout, progress);
  }

  /** As {@link #up(Path, Layout, Path, String, Duration, Consumer)}, the services started with {@code model}'s options. */
  public static LocalCluster up(Path dataDir, Layout layout, ModelOptions model, Path jobJar, String commandMain,
      Duration timeout, Consumer<String> progress) throws Exception {
    Path dir = dataDir.toAbsolutePath();
    if (Files.exists(table(dir)) && readTable(dir).stream().anyMatch(Member::alive)) {
      throw new IllegalStateException("a cluster is already running from " + dir + " ('rewardctl cluster status')");
    }
    Files.createDirectories(dir.resolve("logs"));
    LocalCluster cluster = new LocalCluster(dir, layout, model, commandMain, jobJar, timeout, progress);
    try {
      cluster.start();
      return cluster;
    } catch (Exception e) {
      cluster.writeTable();
      progress.accept("cluster: failed (" + e.getMessage() + "); stopping what started");
      stop(cluster.members, progress);
      throw e;
    }
  }

  private void start() throws Exception {
    Path clusterIdFile = dir.resolve("kafka-cluster-id");
    if (!Files.exists(clusterIdFile)) {
      Files.writeString(clusterIdFile, org.apache.kafka.common.Uuid.randomUuid().toString());
    }
    String clusterId = Files.readString(clusterIdFile).trim();
    for (int node = 1; node <= BROKERS; node++) {
      List<String> broker = new ArrayList<>(List.of("broker", "--node-id", Integer.toString(node), "--quorum",
          ports.quorum(), "--cluster-id", clusterId, "--data-dir", dir.resolve("broker-" + node).toString()));
      if (security != null) {
        broker.addAll(List.of("--secure-dir", securityDir(dir).toString(), "--internal-port",
            Integer.toString(ports.internal(node))));
      }
      launch("broker-" + node, "kafka", "127.0.0.1:" + ports.bootstrap(node), service("-Xmx512m", broker));
    }
    String bootstrap = ports.bootstrapServers();
    awaitReady("3 brokers", () -> brokersUp(superUser()));
    if (security != null) {
      security.access().apply(superUser(), security.credentials(), security.credentials().principals());
      SchemaRegistryServer.createTopic(superUser(), SchemaRegistryServer.DEFAULT_TOPIC);
      SecureClients.writeClientFiles(securityDir(dir), bootstrap, ports.registryUrl(), security.tls(),
          security.credentials());
    }
    progress.accept("cluster: 3 brokers on " + bootstrap + (security == null ? ""
        : " (SASL_SSL, ACLs; client files in " + securityDir(dir) + ")"));

    String registry = ports.registryUrl();
    List<String> registryCommand = new ArrayList<>(List.of("registry", "--bootstrap-servers", bootstrap, "--port",
        Integer.toString(ports.base() + 20)));
    if (security != null) {
      registryCommand.addAll(List.of("--kafka-config", clientFile(PlatformSecurity.REGISTRY), "--secure-dir",
          securityDir(dir).toString()));
    }
    launch("registry", "registry", registry, service("-Xmx256m", registryCommand));
    awaitReady("the registry", this::registryAnswers);
    TopicAdmin.ensureTopics(superUser(), Topics.connect(SerdeConfig.of(registry)));
    progress.accept("cluster: registry on " + registry + ", topics with 3 replicas (2 in sync)");

    flink = FlinkStandalone.configure(dir.resolve("flink"), ports.flinkRpc(), ports.flinkRest(), ports.flinkBlob(),
        2);
    Path logs = dir.resolve("logs");
    launch("jobmanager", "flink", flink.restUrl(), flink.jobManagerCommand(logs));
    for (int tm = 1; tm <= 2; tm++) {
      launch("taskmanager-" + tm, "flink", "(rpc: any port)", flink.taskManagerCommand(logs, "taskmanager-" + tm));
    }
    awaitReady("the JobManager and 2 TaskManagers", () -> flink.taskManagers() == 2);
    submitJob(null);
    progress.accept("cluster: Flink on " + flink.restUrl() + ", feature job " + jobId + " running");

    for (int s = 1; s <= 2; s++) {
      Path state = dir.resolve("scorer-" + s);
      List<String> https = security == null ? List.of() : List.of("--tls-dir", securityDir(dir).toString());
      launch("scorer-" + s, "scorer", (security == null ? "http" : "https") + "://127.0.0.1:" + ports.scorerHttp(s),
          service("-Xmx768m", concat(List.of("scorer"), cluster(PlatformSecurity.SCORER), https, model.featureArgs(),
          List.of("--no-drift-monitor", "--state-dir",
              state.resolve("state").toString(), "--pairs-state-dir", state.resolve("pairs").toString(),
              "--drift-state-dir", state.resolve("drift").toString(), "--artifact-dir",
              dir.resolve("artifacts").toString(), "--http-port", Integer.toString(ports.scorerHttp(s)), "--metrics-port", Integer.toString(ports.metrics(s))))));
    }
    launch("drift", "drift", "metrics :" + ports.metrics(3), service("-Xmx512m",
        concat(List.of("scorer"), cluster(PlatformSecurity.DRIFT), List.of("--no-scoring", "--no-pair-suggestions",
            "--drift-state-dir",
            dir.resolve("drift/state").toString(), "--state-dir", dir.resolve("drift/unused").toString(),
            "--metrics-port", Integer.toString(ports.metrics(3))))));
    for (int t = 1; t <= 2; t++) {
      launch("trainer-" + t, "trainer", "metrics :" + ports.metrics(3 + t), service("-Xmx1g",
          concat(List.of("trainer"), cluster(PlatformSecurity.TRAINER), model.featureArgs(), model.learnerArgs(),
              List.of("--artifact-dir",
              dir.resolve("artifacts").toString(),
              "--metrics-port", Integer.toString(ports.metrics(3 + t))))));
    }
    for (Member member : members) {
      if (isService(member)) {
        awaitReady(member.name(), () -> ready(member));
      }
    }
    writeTable();
  }

  public Layout layout() {
    return ports;
  }

  public List<Member> members() {
    return List.copyOf(members);
  }

  public Member member(String name) {
    return members.stream().filter(m -> m.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no member '" + name + "' in the cluster"));
  }

  public String flinkRestUrl() {
    return flink.restUrl();
  }

  /** Starts a further process of {@code rewardctl ARGS} beside the cluster (a load generator), logging into its dir. */
  public Process run(String name, List<String> args) throws IOException {
    List<String> command = service("-Xmx512m", args);
    Path out = dir.resolve("logs").resolve(name + ".out");
    return new ProcessBuilder(withLog(command, dir.resolve("logs").resolve(name + ".log"))).redirectErrorStream(true)
        .redirectOutput(out.toFile()).start();
  }

  /** SIGKILL: the process dies at once, as on a crash or an OOM kill. */
  public void kill(String name) throws InterruptedException {
    Member member = member(name);
    ProcessHandle.of(member.pid()).ifPresent(ProcessHandle::destroyForcibly);
    ProcessHandle.of(member.pid()).ifPresent(p -> p.onExit().join());
  }

  /**
   * Starts {@code name} again with its command line and waits until it is ready; the JobManager, which holds no job
   * after a crash (no high-availability store here), gets the feature job again from its newest retained checkpoint.
   */
  public void restart(String name) throws Exception {
    Member member = member(name);
    if (member.alive()) {
      throw new IllegalStateException(name + " is running");
    }
    Process process = new ProcessBuilder(member.command()).redirectErrorStream(true)
        .redirectOutput(Path.of(member.out()).toFile()).start();
    Member restarted = member.restarted(process.pid());
    members.set(members.indexOf(member), restarted);
    writeTable();
    switch (member.role()) {
      case "kafka" -> awaitReady(name, () -> brokersUp(superUser()));
      case "registry" -> awaitReady(name, this::registryAnswers);
      case "flink" -> {
        awaitReady(name, () -> flink.taskManagers() == 2);
        if (name.equals("jobmanager")) {
          Optional<Path> checkpoint = flink.latestCheckpoint(jobId);
          submitJob(checkpoint.orElse(null));
        } else {
          awaitReady("the feature job RUNNING", () -> flink.running(jobId));
        }
      }
      default -> awaitReady(name, () -> ready(restarted));
    }
  }

  /** The trainer instance that learns now (its metrics say {@code rewardstream_trainer_active 1}), if one does. */
  public Optional<String> activeTrainer() {
    for (Member member : members) {
      if (member.role().equals("trainer") && member.alive()) {
        String port = member.address().substring(member.address().lastIndexOf(':') + 1);
        try {
          String metrics = HTTP.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString()).body();
          if (metrics.lines().anyMatch(line -> line.startsWith("rewardstream_trainer_active{")
              && line.trim().endsWith(" 1.0"))) {
            return Optional.of(member.name());
          }
        } catch (IOException e) {
          // not answering: not the active one
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    return Optional.empty();
  }

  /** Stops every process: services first, then Flink, the registry, the brokers. */
  public void down() throws InterruptedException {
    stop(members, progress);
  }

  private void submitJob(Path restoreFrom) throws Exception {
    jobId = flink.submit(jobJar, concat(cluster(PlatformSecurity.FEATURE_JOB), model.featureArgs(),
        List.of("--flink-parallelism", "2")),
        restoreFrom, dir.resolve("logs/job-submission.log"));
    awaitReady("the feature job RUNNING", () -> flink.running(jobId));
  }

  private static boolean isService(Member member) {
    return List.of("scorer", "drift", "trainer").contains(member.role());
  }

  private static boolean ready(Member member) {
    return serving(Path.of(member.out()));
  }

  /** Whether a service whose output goes to {@code out} has printed its banner: it runs. */
  public static boolean serving(Path out) {
    try {
      return Files.exists(out) && Files.readString(out).contains(SERVICE_BANNER);
    } catch (IOException e) {
      return false;
    }
  }

  private List<String> service(String heap, List<String> args) {
    return rewardctl(commandMain, heap, args);
  }

  /**
   * {@code rewardctl ARGS} as a process of its own: this JVM's java, module options and class path, {@code heap}
   * ({@code -Xmx...}), logging to a file once {@link #withLog} names it.
   *
   * @param commandMain the class whose {@code main} runs rewardctl's commands
   */
  public static List<String> rewardctl(String commandMain, String heap, List<String> args) {
    List<String> command = new ArrayList<>(javaCommand(heap));
    command.add("-Dlog4j2.configurationFile=log4j2.properties");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(commandMain);
    command.addAll(args);
    return command;
  }

  /** The log file option, placed before the main class. */
  public static List<String> withLog(List<String> command, Path log) {
    List<String> withLog = new ArrayList<>(command);
    withLog.add(1, "-Drewardctl.log.file=" + log);
    return withLog;
  }

  private void launch(String name, String role, String address, List<String> command) throws IOException {
    Path log = dir.resolve("logs").resolve(name + ".log");
    Path out = dir.resolve("logs").resolve(name + ".out");
    List<String> full = role.equals("flink") ? command : withLog(command, log);
    Process process = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    members.add(new Member(name, role, process.pid(), address, log.toString(), out.toString(), full));
    writeTable();
  }

  /** Waits for {@code ready}; fails naming the part, and any process of the cluster that has exited meanwhile. */
  private void awaitReady(String what, BooleanSupplier ready) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!ready.getAsBoolean()) {
      for (Member member : members) {
        if (!member.alive()) {
          throw new IllegalStateException(member.name() + " exited while waiting for " + what + "; see "
              + member.log() + " and " + member.out());
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(what + " not ready within " + timeout);
      }
      Thread.sleep(250);
    }
  }

  /** Where the cluster's security material, passwords and client files are ({@code cluster up --secure}). */
  public static Path securityDir(Path dataDir) {
    return dataDir.toAbsolutePath().resolve("security");
  }

  /** The brokers as their own super user (mutual TLS) when secured, else plaintext. */
  public KafkaConnection superUser() {
    return security == null ? KafkaConnection.plaintext(ports.bootstrapServers())
        : new KafkaConnection(ports.internalServers(), EmbeddedKafka.mutualTls(security.tls()));
  }

  /** How a service of the cluster reaches Kafka and the registry: the addresses, or its principal's client file. */
  private List<String> cluster(String principal) {
    return security == null
        ? List.of("--bootstrap-servers", ports.bootstrapServers(), "--schema-registry", ports.registryUrl())
        : List.of("--kafka-config", clientFile(principal));
  }

  private String clientFile(String principal) {
    return SecureClients.clientFile(securityDir(dir), principal).toString();
  }

  /** The registry answers: 200, or 401 when it asks for credentials (secured). */
  private boolean registryAnswers() {
    try {
      int status = registryClient.send(HttpRequest.newBuilder(URI.create(ports.registryUrl() + "/subjects"))
          .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
      return status == 200 || (security != null && status == 401);
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static boolean brokersUp(KafkaConnection kafka) {
    java.util.Properties props = kafka.properties();
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000);
    try (Admin admin = Admin.create(props)) {
      return admin.describeCluster().nodes().get().size() == BROKERS;
    } catch (Exception e) {
      return false;
    }
  }

  public static boolean httpOk(String url) {
    try {
      HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
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
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
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

  /** A base from which every port a cluster takes is free now (tests and benchmarks beside other servers). */
  public static int freeBase() {
    java.util.Random random = new java.util.Random();
    for (int attempt = 0; attempt < 100; attempt++) {
      // Below Linux's ephemeral range (32768 and up): a client's outgoing connection took a port of a cluster whose
      // base was drawn above it, between the check and the service binding it.
      int base = 10_000 + random.nextInt(22_000);
      if (portsFree(base)) {
        return base;
      }
    }
    throw new IllegalStateException("no free block of ports for a cluster");
  }

  /** Whether every port of a cluster at {@code base} is free now. */
  static boolean portsFree(int base) {
    for (int offset : Layout.OFFSETS) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", base + offset), 200);
        return false;
      } catch (IOException free) {
        // nothing listens there
      }
    }
    return true;
  }

  /** The feature job's jar of this checkout: ops/target/lib/ holds its thin jar, stream-jobs/target/ the job jar. */
  public static Path defaultJobJar() {
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path path = Path.of(entry).toAbsolutePath();
      if (path.getFileName() != null && path.getFileName().toString().startsWith("rewardstream-stream-jobs-")
          && path.getNameCount() >= 4) {
        Path target = path.getParent().getParent().getParent().getParent().resolve("stream-jobs/target");
        try (var jars = Files.list(target)) {
          Optional<Path> job = jars.filter(p -> p.getFileName().toString().endsWith("-job.jar")).findFirst();
          if (job.isPresent()) {
            return job.get();
          }
        } catch (IOException ignored) {
          // not a checkout's layout: reported below
        }
      }
    }
    throw new IllegalStateException("the feature job's jar was not found next to this build "
        + "(stream-jobs/target/*-job.jar): build it with 'mvn -DskipTests install', or pass --job-jar");
  }

  public static Path table(Path dataDir) {
    return dataDir.resolve("cluster.json");
  }

  public static List<Member> readTable(Path dataDir) throws IOException {
    Path table = table(dataDir);
    if (!Files.exists(table)) {
      throw new IllegalStateException("no cluster in " + dataDir.toAbsolutePath() + " (" + table.getFileName()
          + " is missing): start one with 'rewardctl cluster up --data-dir " + dataDir + "'");
    }
    return JSON.readValue(table.toFile(), new TypeReference<List<Member>>() {});
  }

  private void writeTable() throws IOException {
    JSON.writeValue(table(dir).toFile(), members);
  }

  public static void printTable(PrintWriter out, List<Member> members) {
    out.printf("%-14s %-9s %8s  %-8s %-26s %s%n", "NAME", "ROLE", "PID", "STATE", "ADDRESS", "LOG");
    for (Member member : members) {
      out.printf("%-14s %-9s %8d  %-8s %-26s %s%n", member.name(), member.role(), member.pid(),
          member.alive() ? "running" : "exited", member.address(), member.log());
    }
    out.flush();
  }

  /** In reverse start order by role: what reads and writes stops before what stores. */
  public static void stop(List<Member> members, Consumer<String> progress) throws InterruptedException {
    for (List<String> roles : List.of(List.of("trainer", "scorer", "drift"), List.of("flink"), List.of("registry"),
        List.of("kafka"))) {
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
          progress.accept("cluster: pid " + process.pid() + " did not stop within 30 s of SIGTERM; killing it");
          process.destroyForcibly();
        }
      }
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
