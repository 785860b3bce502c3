package dev.rewardstream.runtime.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Flink 2.0 standalone session cluster from the jars this build already has ({@code flink-dist} is not on Maven
 * Central; the entry points are in {@code flink-runtime}): a JobManager and TaskManagers as processes of their own,
 * and jobs submitted with Flink's own client over the REST API, as to a production cluster.
 */
public final class FlinkStandalone {

  /**
   * Left off the framework's class path: they come with the job's jar. Two copies, one in the framework and one in
   * the job, fail the submission (a ClassCastException between the two copies of a Kafka connector class).
   */
  private static final List<String> JOB_ONLY_JARS = List.of("rewardstream-", "kafka", "flink-connector-kafka",
      "flink-avro", "avro-");

  private final Path confDir;
  private final Path checkpoints;
  private final int restPort;
  private final String frameworkClassPath;

  private FlinkStandalone(Path confDir, Path checkpoints, int restPort, String frameworkClassPath) {
    this.confDir = confDir;
    this.checkpoints = checkpoints;
    this.restPort = restPort;
    this.frameworkClassPath = frameworkClassPath;
  }

  /**
   * Writes {@code dir/conf/config.yaml} (Flink 2.0 reads no other) and the log configuration; every TaskManager offers
   * {@code slots} slots, and a job's default parallelism is that many.
   */
  public static FlinkStandalone configure(Path dir, int rpcPort, int restPort, int blobPort, int slots)
      throws IOException {
    Path conf = dir.resolve("conf");
    Files.createDirectories(conf);
    Files.createDirectories(dir.resolve("checkpoints"));
    Files.createDirectories(dir.resolve("tmp"));
    String config = String.join("\n",
        "jobmanager.rpc.address: 127.0.0.1",
        "jobmanager.rpc.port: " + rpcPort,
        "jobmanager.bind-host: 127.0.0.1",
        "jobmanager.memory.process.size: 768m",
        "rest.address: 127.0.0.1",
        "rest.bind-address: 127.0.0.1",
        "rest.port: " + restPort,
        "blob.server.port: " + blobPort,
        "taskmanager.host: 127.0.0.1",
        "taskmanager.bind-host: 127.0.0.1",
        "taskmanager.numberOfTaskSlots: " + slots,
        "taskmanager.memory.process.size: 1024m",
        "parallelism.default: " + slots,
        "execution.checkpointing.dir: " + dir.resolve("checkpoints").toUri(),
        // Kept when the JobManager dies, so its replacement resubmits the job from the latest one.
        "execution.checkpointing.externalized-checkpoint-retention: RETAIN_ON_CANCELLATION",
        // A killed TaskManager is noticed in seconds, not after the default 50 s.
        "heartbeat.interval: 2000",
        "heartbeat.timeout: 10000",
        "io.tmp.dirs: " + dir.resolve("tmp"),
        "");
    Files.writeString(conf.resolve("config.yaml"), config);
    List<String> classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> entry.endsWith(".jar"))
        .filter(entry -> JOB_ONLY_JARS.stream().noneMatch(Path.of(entry).getFileName().toString()::startsWith))
        .toList();
    return new FlinkStandalone(conf, dir.resolve("checkpoints"), restPort,
        String.join(File.pathSeparator, classPath));
  }

  /** The JobManager's command line. */
  public List<String> jobManagerCommand(Path logs) throws IOException {
    List<String> command = java("jobmanager", logs, List.of("-Xmx512m"));
    command.addAll(List.of("org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint", "--configDir",
        confDir.toString()));
    return command;
  }

  /**
   * With the memory options Flink's {@code taskmanager.sh} computes (BashJavaUtils): without them a TaskManager stops
   * at once ("taskmanager.cpu.cores is not set").
   */
  public List<String> taskManagerCommand(Path logs, String name) throws IOException, InterruptedException {
    List<String> resources = resourceParams(logs.resolve(name + "-resources.out"));
    List<String> command = java(name, logs, Arrays.asList(resources.get(0).trim().split("\\s+")));
    command.addAll(List.of("org.apache.flink.runtime.taskexecutor.TaskManagerRunner", "--configDir",
        confDir.toString()));
    command.addAll(Arrays.asList(resources.get(1).trim().split("\\s+")));
    return command;
  }

  private List<String> resourceParams(Path output) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(LocalCluster.javaCommand("-Xmx128m"));
    command.addAll(List.of("-cp", frameworkClassPath, "org.apache.flink.runtime.util.bash.BashJavaUtils",
        "GET_TM_RESOURCE_PARAMS", "--configDir", confDir.toString()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    int exit = process.waitFor();
    List<String> results = Files.readAllLines(output, StandardCharsets.UTF_8).stream()
        .filter(line -> line.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:"))
        .map(line -> line.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length())).toList();
    if (exit != 0 || results.size() < 2) {
      throw new IllegalStateException("Flink's BashJavaUtils did not compute the TaskManager's resources (exit "
          + exit + "); see " + output);
    }
    return results.subList(results.size() - 2, results.size());
  }

  /**
   * Submits {@code jobJar} detached with Flink's command-line client ({@code flink run -d}), which sends the job graph
   * to the REST API, restoring the state of {@code restoreFrom} (a retained checkpoint) unless it is null. Returns the
   * job's id.
   */
  public String submit(Path jobJar, List<String> args, Path restoreFrom, Path output)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(LocalCluster.javaCommand("-Xmx256m"));
    command.addAll(List.of("-cp", frameworkClassPath, "org.apache.flink.client.cli.CliFrontend", "run", "-d", "-m",
        "127.0.0.1:" + restPort));
    if (restoreFrom != null) {
      command.addAll(List.of("-s", restoreFrom.toString()));
    }
    command.add(jobJar.toString());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().put("FLINK_CONF_DIR", confDir.toString());
    int exit = builder.start().waitFor();
    String printed = Files.readString(output);
    Matcher id = Pattern.compile("JobID ([0-9a-f]{32})").matcher(printed);
    if (exit != 0 || !id.find()) {
      throw new IllegalStateException("submitting the feature job to Flink failed (exit " + exit + "); see "
          + output);
    }
    return id.group(1);
  }

  public int taskManagers() {
    try {
      return LocalCluster.httpJson(restUrl() + "/taskmanagers").path("taskmanagers").size();
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  public boolean running(String jobId) {
    try {
      JsonNode job = LocalCluster.httpJson(restUrl() + "/jobs/" + jobId);
      return "RUNNING".equals(job.path("state").asText());
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * The size of the job's state in its latest completed checkpoint (Flink's {@code state_size}: all the state the
   * checkpoint covers, incremental parts included), in bytes; 0 before the first.
   */
  public long latestCheckpointStateSize(String jobId) {
    return latestCompleted(jobId).path("state_size").asLong(0);
  }

  /** The id of the job's latest completed checkpoint; 0 before the first (or while the REST API does not answer). */
  public long latestCheckpointId(String jobId) {
    return latestCompleted(jobId).path("id").asLong(0);
  }

  private JsonNode latestCompleted(String jobId) {
    try {
      return LocalCluster.httpJson(restUrl() + "/jobs/" + jobId + "/checkpoints").path("latest").path("completed");
    } catch (IOException e) {
      return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
  }

  /** The newest completed checkpoint Flink retained for {@code jobId}, if any. */
  java.util.Optional<Path> latestCheckpoint(String jobId) throws IOException {
    Path jobDir = checkpoints.resolve(jobId);
    if (!Files.isDirectory(jobDir)) {
      return java.util.Optional.empty();
    }
    try (var entries = Files.list(jobDir)) {
      return entries.filter(p -> p.getFileName().toString().startsWith("chk-"))
          .filter(p -> Files.exists(p.resolve("_metadata")))
          .max(java.util.Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString().substring(4))));
    }
  }

  public String restUrl() {
    return "http://127.0.0.1:" + restPort;
  }

  private List<String> java(String name, Path logs, List<String> jvmOptions) throws IOException {
    Path log4j = confDir.resolve("log4j2-" + name + ".properties");
    Files.writeString(log4j, String.join("\n",
        "rootLogger.level = INFO",
        "rootLogger.appenderRef.file.ref = file",
        "appender.file.type = File",
        "appender.file.name = file",
        "appender.file.fileName = " + logs.resolve(name + ".log"),
        "appender.file.layout.type = PatternLayout",
        "appender.file.layout.pattern = %d{HH:mm:ss.SSS} %-5level [%t] %c{1} - %msg%n",
        ""));
    List<String> command = new ArrayList<>(LocalCluster.javaCommand(null));
    command.addAll(jvmOptions);
    command.add("-Dlog4j2.configurationFile=" + log4j.toUri());
    command.add("-Dlog.file=" + logs.resolve(name + ".log"));
    command.add("-cp");
    command.add(frameworkClassPath);
    return command;
  }
}
