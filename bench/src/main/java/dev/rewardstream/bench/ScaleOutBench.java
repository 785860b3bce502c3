package dev.rewardstream.bench;

import dev.rewardstream.bench.StreamsAppMeter.Metered;
import dev.rewardstream.platform.EmbeddedInfrastructure;
import dev.rewardstream.platform.FreePorts;
import dev.rewardstream.platform.TopicAdmin;
import dev.rewardstream.runtime.cluster.FlinkStandalone;
import dev.rewardstream.runtime.cluster.LocalCluster;
import dev.rewardstream.scorer.ScorerConfig;
import dev.rewardstream.scorer.ScorerService;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.serde.Topics;
import dev.rewardstream.sim.KafkaRecordSink;
import dev.rewardstream.sim.Labeler;
import dev.rewardstream.sim.Scenario;
import dev.rewardstream.sim.ScenarioSimulator;
import dev.rewardstream.trainer.LearnerOptions;
import dev.rewardstream.trainer.TrainerConfig;
import dev.rewardstream.trainer.TrainerService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Scale-out of the two high-volume paths, as separate processes the way a deployment runs them: the scorer with one
 * and with two instances of one application on 6 partitions, and the feature job on a Flink standalone cluster with
 * one and with two TaskManagers (one slot each, parallelism = TaskManagers). Each configuration reads the same records
 * (copied to a topic set of its own, partition for partition) from the beginning; its rate is the slope of its
 * committed input offsets in steady state, and CPU per record is the CPU time of its own processes over the same
 * window, the broker's (this process) beside it. CPU per record is the figure a capacity plan divides by: on a host
 * with fewer cores than processes, the rate cannot grow with instances, the CPU each record costs can be compared.
 */
final class ScaleOutBench implements BenchScenario {

  static final int PARTITIONS = 6;
  private static final List<Integer> SCORER_INSTANCES = List.of(1, 2);
  private static final List<Integer> TASK_MANAGERS = List.of(1, 2);
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  /**
   * Each scorer configuration reads the interactions this many times over (copied one after another): a fresh JVM is
   * still compiling its hot code over the first few hundred thousand records, so the clock starts only at
   * {@link #FRESH_PROCESS_WARM_UP} of them.
   */
  private static final int SCORER_COPIES = 3;
  private static final int LINEAR_TRAINER_COPIES = 4;
  /** The network learns a few hundred examples a second: this many are measured. */
  private static final int NETWORK_TRAINER_EXAMPLES = 40_000;
  private static final double FRESH_PROCESS_WARM_UP = 0.5;

  @Override
  public String name() {
    return "scale-out";
  }

  @Override
  public Result run(Context context) throws Exception {
    if (context.quick()) {
      throw new ScenarioSkippedException("a full run only: it starts scorer processes and two Flink clusters for "
          + "about 8 minutes (rewardctl bench --scenarios scale-out)");
    }
    if (context.commandMain() == null) {
      throw new ScenarioSkippedException("it starts rewardctl's services as processes: run it from rewardctl");
    }
    int rounds = 300_000;
    Path dir = Files.createTempDirectory("rewardstream-bench-scale-");
    Map<String, Object> figures = new LinkedHashMap<>();
    boolean measured = false;
    try (EmbeddedInfrastructure infra = EmbeddedInfrastructure.startOnFreePorts(dir.resolve("kafka"))) {
      Run run = new Run(infra, dir, context);
      Topics source = run.topics("scale-source-");
      try (KafkaRecordSink sink = new KafkaRecordSink(infra.kafka(), source)) {
        ScenarioSimulator simulator = new ScenarioSimulator(
            ScenarioSimulator.Options.defaults(Scenario.STATIONARY, context.seed()).withAgents(true, false, false),
            new Labeler(0.5, context.seed()), sink, source.interactions.name(), source.preferences.name());
        for (int r = 0; r < rounds; r++) {
          simulator.round((double) r / rounds);
        }
        simulator.drain();
        sink.flush();
      }
      long interactions = StreamsAppMeter.endOffsets(infra.kafka(), source.interactions.name());
      long preferences = StreamsAppMeter.endOffsets(infra.kafka(), source.preferences.name());
      context.progress().accept("scale-out: " + interactions + " interactions, " + preferences + " preferences");
      figures.put("partitions", PARTITIONS);
      figures.put("interactions", interactions);
      figures.put("preferences", preferences);
      figures.put("available_processors", Runtime.getRuntime().availableProcessors());

      Map<String, Object> scorer = new LinkedHashMap<>();
      for (int instances : SCORER_INSTANCES) {
        scorer.put(instances + "_instances", run.scorer(source, instances));
      }
      figures.put("scorer", scorer);
      Map<String, Object> featureJob = new LinkedHashMap<>();
      for (int taskManagers : TASK_MANAGERS) {
        featureJob.put(taskManagers + "_taskmanagers", run.featureJob(source, taskManagers,
            interactions + preferences));
      }
      figures.put("feature_job", featureJob);
      // The examples the feature job wrote, copied for each learner.
      Topics examples = Topics.connect(infra.serdeConfig().withTopicPrefix("scale-features-2-"));
      Map<String, Object> trainer = new LinkedHashMap<>();
      trainer.put("online-linear", run.trainer(examples, "online-linear", LINEAR_TRAINER_COPIES, Long.MAX_VALUE));
      trainer.put("network", run.trainer(examples, "network", 1, NETWORK_TRAINER_EXAMPLES));
      figures.put("trainer", trainer);
      measured = true;
    } finally {
      if (measured) {
        FreshnessBench.deleteQuietly(dir);
      } else {
        context.progress().accept("scale-out: the processes' logs are kept in " + dir);
      }
    }
    return Result.of(figures, report(figures));
  }

  /** The processes of one configuration: stopped with SIGTERM (then SIGKILL after 30 s) whatever happens. */
  private static final class Processes implements AutoCloseable {
    private final List<Process> started = new ArrayList<>();
    private final List<Path> outputs = new ArrayList<>();

    Process start(List<String> command, Path out) throws IOException {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      started.add(process);
      outputs.add(out);
      return process;
    }

    /** The last lines of the first process that exited, for the error (its directory is deleted after the run). */
    String exited() {
      for (int i = 0; i < started.size(); i++) {
        if (!started.get(i).isAlive()) {
          try {
            List<String> lines = Files.readAllLines(outputs.get(i));
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
          } catch (IOException e) {
            return outputs.get(i) + " (unreadable: " + e.getMessage() + ")";
          }
        }
      }
      return "none";
    }

    /** Their CPU time so far, user and system, every thread. */
    long cpuNanos() {
      return started.stream().mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).sum();
    }

    boolean anyExited() {
      return started.stream().anyMatch(p -> !p.isAlive());
    }

    @Override
    public void close() throws InterruptedException {
      started.forEach(Process::destroy);
      for (Process process : started) {
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
      }
    }
  }

  private record Run(EmbeddedInfrastructure infra, Path dir, Context context) {

    /** The topic set of {@code prefix}, interactions and preferences with {@link #PARTITIONS} partitions. */
    Topics topics(String prefix) {
      Topics topics = Topics.connect(infra.serdeConfig().withTopicPrefix(prefix));
      TopicAdmin.ensure(infra.bootstrapServers(), List.of(
          new NewTopic(topics.interactions.name(), PARTITIONS, (short) 1),
          new NewTopic(topics.preferences.name(), PARTITIONS, (short) 1)));
      TopicAdmin.ensureTopics(infra.bootstrapServers(), topics);
      return topics;
    }

    Map<String, Object> scorer(Topics source, int instances) throws Exception {
      String prefix = "scale-scorer-" + instances + "-";
      Topics topics = topics(prefix);
      for (int copy = 0; copy < SCORER_COPIES; copy++) {
        copy(source.interactions.name(), topics.interactions.name());
      }
      long interactions = StreamsAppMeter.endOffsets(infra.kafka(), topics.interactions.name());
      ScorerConfig config = ScorerConfig.defaults();
      ScorerThroughputBench.publishModel(infra.kafka(), topics, dir.resolve("artifacts"), config,
          LearnerOptions.defaults());
      context.progress().accept("scale-out: " + instances + " scorer instance(s) on " + PARTITIONS + " partitions");
      try (Processes processes = new Processes()) {
        List<Path> outs = new ArrayList<>();
        for (int i = 1; i <= instances; i++) {
          Path state = dir.resolve(prefix + i);
          Path out = dir.resolve(prefix + i + ".out");
          outs.add(out);
          processes.start(LocalCluster.withLog(LocalCluster.rewardctl(context.commandMain(), "-Xmx768m", List.of(
              "scorer", "--bootstrap-servers", infra.bootstrapServers(), "--schema-registry", infra.registryUrl(),
              "--topic-prefix", prefix, "--no-drift-monitor", "--no-pair-suggestions", "--http-port", "-1",
              "--metrics-port", "-1",
              "--state-dir", state.resolve("state").toString(), "--pairs-state-dir", state.resolve("pairs").toString(),
              "--drift-state-dir", state.resolve("drift").toString(), "--artifact-dir",
              dir.resolve("artifacts").toString())), dir.resolve(prefix + i + ".log")), out);
        }
        await("the scorers' banners", () -> outs.stream().allMatch(LocalCluster::serving), processes);
        Metered metered = StreamsAppMeter.rate(infra.kafka(), prefix + "scorer",
            Map.of(prefix + ScorerService.APPLICATION_ID, topics.interactions.name()), interactions,
            FRESH_PROCESS_WARM_UP, cpu(processes), processes::anyExited, context.progress());
        return figures(metered, Map.of("instances", instances, "stream_threads_each",
            ScorerService.streamThreads(topics), "interactions_read", interactions, "partitions_per_instance",
            partitionsPerInstance(prefix + ScorerService.APPLICATION_ID, topics.interactions.name())));
      }
    }

    Map<String, Object> featureJob(Topics source, int taskManagers, long records) throws Exception {
      String prefix = "scale-features-" + taskManagers + "-";
      Topics topics = topics(prefix);
      copy(source.interactions.name(), topics.interactions.name());
      copy(source.preferences.name(), topics.preferences.name());
      context.progress().accept("scale-out: the feature job on " + taskManagers + " TaskManager(s)");
      Path flinkDir = dir.resolve(prefix + "flink");
      Path logs = Files.createDirectories(flinkDir.resolve("logs"));
      FlinkStandalone flink = FlinkStandalone.configure(flinkDir, FreePorts.next(), FreePorts.next(), FreePorts.next(), 1);
      try (Processes jobManager = new Processes(); Processes workers = new Processes()) {
        jobManager.start(flink.jobManagerCommand(logs), logs.resolve("jobmanager.out"));
        for (int tm = 1; tm <= taskManagers; tm++) {
          workers.start(flink.taskManagerCommand(logs, "taskmanager-" + tm), logs.resolve("taskmanager-" + tm
              + ".out"));
        }
        await(taskManagers + " TaskManagers registered", () -> flink.taskManagers() == taskManagers, workers);
        String jobId = flink.submit(LocalCluster.defaultJobJar(), List.of("--bootstrap-servers",
            infra.bootstrapServers(), "--schema-registry", infra.registryUrl(), "--topic-prefix", prefix,
            "--flink-parallelism", Integer.toString(taskManagers)), null, logs.resolve("submit.out"));
        await("the feature job RUNNING", () -> flink.running(jobId), workers);
        String group = prefix + "rewardstream-features";
        Map<String, LongSupplier> cpu = new LinkedHashMap<>(cpu(workers));
        cpu.put("jobmanager", jobManager::cpuNanos);
        Metered metered = StreamsAppMeter.rate(infra.kafka(), prefix + "feature-job",
            Map.of(group + "-interactions", topics.interactions.name(), group + "-preferences",
                topics.preferences.name()), records, StreamsAppMeter.WARM_UP_FRACTION, cpu,
            () -> workers.anyExited() || jobManager.anyExited(), context.progress());
        Map<String, Object> cell = figures(metered, Map.of("taskmanagers", taskManagers, "parallelism",
            taskManagers));
        // The join's state once every record is in: the disk a day of interactions needs is sized from it.
        StreamsAppMeter.awaitCommitted(infra.kafka(), group + "-interactions", topics.interactions.name(),
            StreamsAppMeter.endOffsets(infra.kafka(), topics.interactions.name()));
        StreamsAppMeter.awaitCommitted(infra.kafka(), group + "-preferences", topics.preferences.name(),
            StreamsAppMeter.endOffsets(infra.kafka(), topics.preferences.name()));
        long checkpointId = flink.latestCheckpointId(jobId);
        await("a checkpoint after the last record", () -> flink.latestCheckpointId(jobId) > checkpointId, workers);
        cell.put("state_bytes_per_interaction", Stats.round((double) flink.latestCheckpointStateSize(jobId)
            / StreamsAppMeter.endOffsets(infra.kafka(), topics.interactions.name())));
        // A rate says nothing if records went missing: what came out, counted (read_committed).
        long[] examples = {0};
        ChaosBench.scan(infra.bootstrapServers(), topics.trainingExamples, (record, example) -> examples[0]++);
        Map<String, Integer> deadLetters = new java.util.TreeMap<>();
        ChaosBench.scan(infra.bootstrapServers(), topics.deadLetters,
            (record, letter) -> deadLetters.merge(letter.getErrorClass(), 1, Integer::sum));
        cell.put("examples", examples[0]);
        cell.put("dead_letters", deadLetters);
        return cell;
      }
    }

    /**
     * One trainer (the design has one active per model) learning from {@code copies} copies of the training examples
     * in {@code source}, from the beginning: examples per second through the whole service (decoding, replay, holdout,
     * publishing), measured over the first {@code measured} of them at most.
     */
    Map<String, Object> trainer(Topics source, String learner, int copies, long measured) throws Exception {
      String prefix = "scale-trainer-" + learner + "-";
      Topics topics = topics(prefix);
      for (int copy = 0; copy < copies; copy++) {
        copy(source.trainingExamples.name(), topics.trainingExamples.name());
      }
      long examples = Math.min(measured,
          StreamsAppMeter.endOffsets(infra.kafka(), topics.trainingExamples.name()));
      context.progress().accept("scale-out: the trainer (" + learner + ") on " + examples + " examples");
      try (Processes processes = new Processes()) {
        Path out = dir.resolve(prefix + "trainer.out");
        List<String> args = List.of("trainer", "--bootstrap-servers", infra.bootstrapServers(), "--schema-registry",
            infra.registryUrl(), "--topic-prefix", prefix, "--learner", learner, "--artifact-dir",
            dir.resolve(prefix + "artifacts").toString(), "--metrics-port", "-1");
        processes.start(LocalCluster.withLog(LocalCluster.rewardctl(context.commandMain(), "-Xmx1g", args),
            dir.resolve(prefix + "trainer.log")), out);
        await("the trainer's banner", () -> LocalCluster.serving(out), processes);
        String model = TrainerConfig.defaults(infra.kafka(), dir).modelName();
        Metered metered = StreamsAppMeter.rate(infra.kafka(), prefix + "trainer",
            Map.of(TrainerService.groupId(topics, model), topics.trainingExamples.name()), examples,
            FRESH_PROCESS_WARM_UP, cpu(processes), processes::anyExited, context.progress());
        return figures(metered, Map.of("learner", learner, "examples_read", examples));
      }
    }

    /**
     * How the input's partitions are spread over the application's instances now, largest first: Kafka Streams names
     * each thread's consumer {@code <application>-<process id>-StreamThread-<n>-consumer}.
     */
    private List<Integer> partitionsPerInstance(String applicationId, String input) throws Exception {
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()))) {
        Map<String, Integer> perInstance = new java.util.TreeMap<>();
        for (MemberDescription member : admin.describeConsumerGroups(List.of(applicationId)).all().get()
            .get(applicationId).members()) {
          String clientId = member.clientId();
          String instance = clientId.contains("-StreamThread-")
              ? clientId.substring(0, clientId.indexOf("-StreamThread-")) : clientId;
          int partitions = (int) member.assignment().topicPartitions().stream()
              .filter(partition -> partition.topic().equals(input)).count();
          perInstance.merge(instance, partitions, Integer::sum);
        }
        return perInstance.values().stream().sorted(java.util.Comparator.reverseOrder()).toList();
      }
    }

    /** The configuration's processes and the broker (this process, the meter's polls included). */
    private static Map<String, LongSupplier> cpu(Processes processes) {
      com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
          java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      Map<String, LongSupplier> cpu = new LinkedHashMap<>();
      cpu.put("service", processes::cpuNanos);
      cpu.put("broker", os::getProcessCpuTime);
      return cpu;
    }

    private static Map<String, Object> figures(Metered metered, Map<String, Object> configuration) {
      Map<String, Object> cell = new LinkedHashMap<>(configuration);
      cell.put("records_per_s", Math.round(metered.recordsPerSecond()));
      metered.cpuMicrosPerRecord().forEach((part, micros) -> cell.put(part + "_cpu_us_per_record",
          Stats.round(micros)));
      return cell;
    }

    /** Every record of {@code from} into the same partition of {@code to}, with its key. */
    private void copy(String from, String to) {
      try (KafkaConsumer<byte[], byte[]> consumer = TopicIO.consumer(infra.bootstrapServers(), null);
          KafkaProducer<byte[], byte[]> producer = TopicIO.producer(infra.bootstrapServers())) {
        List<TopicPartition> partitions = TopicIO.partitions(consumer, from);
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
            producer.send(new ProducerRecord<>(to, record.partition(), record.key(), record.value()));
          }
        }
        producer.flush();
      }
    }

    private static void await(String what, BooleanSupplier ready, Processes processes) throws InterruptedException {
      long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
      while (!ready.getAsBoolean()) {
        if (processes.anyExited()) {
          throw new IllegalStateException("a process exited while waiting for " + what + ": "
              + processes.exited());
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(what + " not within " + START_TIMEOUT);
        }
        Thread.sleep(250);
      }
    }
  }

  private static String report(Map<String, Object> figures) {
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "%,d interactions and %,d preferences "
            + "(simulated text agents) on %d partitions, one embedded broker in the bench's process, on a host with "
            + "%d cores. Each configuration reads the same records from the beginning as separate processes; "
            + "records/s is the slope of its committed input offsets between 50%% (scorer, trainer: fresh JVMs, fed "
            + "the records several times over) or 25%% (feature job) and 90%% of them, CPU per record the CPU time of "
            + "its processes (and of the broker) over the same window.%n%n"
            + "| path | configuration | records/s | CPU µs / record, service | CPU µs / record, broker |%n"
            + "|---|---|---|---|---|%n",
        figures.get("interactions"), figures.get("preferences"), PARTITIONS, figures.get("available_processors")));
    for (Object cell : ((Map<?, ?>) figures.get("scorer")).values()) {
      Map<?, ?> c = (Map<?, ?>) cell;
      md.append(String.format(Locale.ROOT, "| scorer | %s instance(s), %s stream threads each, partitions per "
              + "instance %s, %,d interactions | %,d | %s | %s |%n", c.get("instances"), c.get("stream_threads_each"),
          c.get("partitions_per_instance"), c.get("interactions_read"),
          c.get("records_per_s"), c.get("service_cpu_us_per_record"), c.get("broker_cpu_us_per_record")));
    }
    for (Object cell : ((Map<?, ?>) figures.get("feature_job")).values()) {
      Map<?, ?> c = (Map<?, ?>) cell;
      md.append(String.format(Locale.ROOT, "| feature job | %s TaskManager(s), parallelism %s; %,d examples, dead "
              + "letters %s | %,d | %s (JobManager %s) | %s |%n", c.get("taskmanagers"), c.get("parallelism"),
          c.get("examples"), c.get("dead_letters"), c.get("records_per_s"), c.get("service_cpu_us_per_record"),
          c.get("jobmanager_cpu_us_per_record"), c.get("broker_cpu_us_per_record")));
    }
    for (Object cell : ((Map<?, ?>) figures.get("trainer")).values()) {
      Map<?, ?> c = (Map<?, ?>) cell;
      md.append(String.format(Locale.ROOT, "| trainer | one instance, %s learner, %,d examples | %,d | %s | %s |%n",
          c.get("learner"), c.get("examples_read"), c.get("records_per_s"), c.get("service_cpu_us_per_record"),
          c.get("broker_cpu_us_per_record")));
    }
    md.append(String.format(Locale.ROOT, "%nThe feature job's records are interactions and preferences together; the "
        + "trainer's are the training examples the feature job wrote (examples/s through the whole service: "
        + "decoding, replay, holdout, publishing every 2 s). "
        + "Capacity per core is 10⁶ / (CPU µs per record): the plan in docs/scaling.md is built from these figures.%n"));
    return md.toString();
  }
}
