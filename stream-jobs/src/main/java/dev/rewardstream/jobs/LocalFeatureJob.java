package dev.rewardstream.jobs;

import dev.rewardstream.serde.KafkaConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import java.util.OptionalInt;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The feature job on a local MiniCluster in this JVM (the embedded platform, tests). Checkpoints go to
 * {@code checkpointDir} and are kept when the job is cancelled or dies, so the next start restores the join state and
 * source offsets from the latest one.
 */
public final class LocalFeatureJob implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalFeatureJob.class);
  private final JobClient job;
  private final Optional<Path> restoredFrom;

  private LocalFeatureJob(JobClient job, Optional<Path> restoredFrom) {
    this.job = job;
    this.restoredFrom = restoredFrom;
  }

  public static LocalFeatureJob start(KafkaConnection kafka, FeatureJobConfig jobConfig, Path checkpointDir,
      Duration checkpointInterval, int parallelism) throws Exception {
    return start(kafka, jobConfig, checkpointDir, checkpointInterval, parallelism, OptionalInt.empty());
  }

  /**
   * @param prometheusPort where Flink's own Prometheus reporter serves the job's metrics (records in and out per
   *     operator, checkpoints, Kafka source lag), as it does on a cluster; empty: no reporter
   */
  public static LocalFeatureJob start(KafkaConnection kafka, FeatureJobConfig jobConfig, Path checkpointDir,
      Duration checkpointInterval, int parallelism, OptionalInt prometheusPort) throws Exception {
    Files.createDirectories(checkpointDir);
    Configuration flink = new Configuration();
    prometheusPort.ifPresent(port -> {
      flink.set(ConfigOptions.key("metrics.reporter.prom.factory.class").stringType().noDefaultValue(),
          "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
      flink.set(ConfigOptions.key("metrics.reporter.prom.port").stringType().noDefaultValue(),
          Integer.toString(port));
    });
    flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir.toUri().toString());
    flink.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    flink.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(64));
    Optional<Path> latest = Checkpoints.latest(checkpointDir);
    latest.ifPresent(path -> flink.set(StateRecoveryOptions.SAVEPOINT_PATH, path.toUri().toString()));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, flink);
    FeatureJob.configure(env, checkpointInterval);
    FeatureJob.onKafka(kafka, jobConfig).build(env);
    JobClient job = env.executeAsync(FeatureJob.JOB_NAME);
    LOG.info("feature job {} started{}", job.getJobID(), latest.map(p -> ", restored from " + p).orElse(""));
    return new LocalFeatureJob(job, latest);
  }

  public Optional<Path> restoredFrom() {
    return restoredFrom;
  }

  public JobStatus status() {
    try {
      return job.getJobStatus().get();
    } catch (Exception e) {
      return JobStatus.FAILED;
    }
  }

  @Override
  public void close() throws Exception {
    job.cancel().get();
  }
}
