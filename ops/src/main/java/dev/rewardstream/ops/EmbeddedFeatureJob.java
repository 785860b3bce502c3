package dev.rewardstream.ops;

import dev.rewardstream.jobs.FeatureJob;
import dev.rewardstream.jobs.FeatureJobConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
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
 * The feature job on a local MiniCluster in this JVM. Checkpoints go below the data directory and are kept when the
 * job is cancelled, so the next start restores the join state and offsets from the latest one.
 */
final class EmbeddedFeatureJob implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedFeatureJob.class);
  private final JobClient job;
  private final Optional<Path> restoredFrom;

  private EmbeddedFeatureJob(JobClient job, Optional<Path> restoredFrom) {
    this.job = job;
    this.restoredFrom = restoredFrom;
  }

  static EmbeddedFeatureJob start(String bootstrapServers, FeatureJobConfig jobConfig, Path checkpointDir,
      Duration checkpointInterval, int parallelism) throws Exception {
    Files.createDirectories(checkpointDir);
    Configuration flink = new Configuration();
    flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir.toUri().toString());
    flink.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    flink.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(64));
    Optional<Path> latest = latestCheckpoint(checkpointDir);
    latest.ifPresent(path -> flink.set(StateRecoveryOptions.SAVEPOINT_PATH, path.toUri().toString()));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, flink);
    FeatureJob.configure(env, checkpointInterval);
    FeatureJob.onKafka(bootstrapServers, jobConfig).build(env);
    JobClient job = env.executeAsync(FeatureJob.JOB_NAME);
    LOG.info("feature job {} started{}", job.getJobID(), latest.map(p -> ", restored from " + p).orElse(""));
    return new EmbeddedFeatureJob(job, latest);
  }

  /** The newest completed checkpoint (a chk-N directory with its _metadata) of any earlier run. */
  static Optional<Path> latestCheckpoint(Path checkpointDir) {
    try (Stream<Path> files = Files.walk(checkpointDir, 3)) {
      return files.filter(p -> p.getFileName().toString().equals("_metadata"))
          .map(Path::getParent)
          .filter(p -> p.getFileName().toString().startsWith("chk-"))
          .max(Comparator.comparing(EmbeddedFeatureJob::modified));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static java.nio.file.attribute.FileTime modified(Path path) {
    try {
      return Files.getLastModifiedTime(path.resolve("_metadata"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Optional<Path> restoredFrom() {
    return restoredFrom;
  }

  JobStatus status() {
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
