package dev.rewardstream.runtime;

import dev.rewardstream.model.ArtifactStore;
import dev.rewardstream.jobs.LocalFeatureJob;
import dev.rewardstream.model.LoadedModel;
import dev.rewardstream.platform.EmbeddedInfrastructure;
import dev.rewardstream.scorer.ScorerService;
import dev.rewardstream.drift.DriftService;
import dev.rewardstream.scorer.pairs.PairSuggestionService;
import dev.rewardstream.security.ApiSecurity;
import dev.rewardstream.serde.Topics;
import dev.rewardstream.trainer.TrainerService;
import dev.rewardstream.trainer.TrainerStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import dev.rewardstream.platform.FreePorts;
import dev.rewardstream.dashboard.DashboardService;
import org.apache.flink.api.common.JobStatus;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole system in one JVM: a KRaft broker, the schema registry, the feature job on a Flink MiniCluster, the trainer,
 * the scorer, the drift monitor and the pair suggestions. Everything keeps its state below the data directory, so a second start resumes.
 */
public final class EmbeddedPlatform implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPlatform.class);

  private final PlatformConfig config;
  private final StartupChecks.DataDirLock lock;
  private final EmbeddedInfrastructure infra;
  private final LocalFeatureJob featureJob;
  private final TrainerService trainer;
  private final Thread trainerThread;
  private final ScorerService scorer;
  private final DriftService driftMonitor;
  private final PairSuggestionService pairSuggestions;
  private final Duration startup;
  private final MetricsEndpoint metrics;
  private final int flinkMetricsPort;
  private final DashboardService dashboard;

  private EmbeddedPlatform(PlatformConfig config, StartupChecks.DataDirLock lock, EmbeddedInfrastructure infra,
      LocalFeatureJob featureJob, TrainerService trainer, Thread trainerThread, ScorerService scorer,
      DriftService driftMonitor, PairSuggestionService pairSuggestions, Duration startup, MetricsEndpoint metrics,
      int flinkMetricsPort, DashboardService dashboard) {
    this.dashboard = dashboard;
    this.metrics = metrics;
    this.flinkMetricsPort = flinkMetricsPort;
    this.config = config;
    this.lock = lock;
    this.infra = infra;
    this.featureJob = featureJob;
    this.trainer = trainer;
    this.trainerThread = trainerThread;
    this.scorer = scorer;
    this.driftMonitor = driftMonitor;
    this.pairSuggestions = pairSuggestions;
    this.startup = startup;
  }

  /**
   * Starts everything, or fails with a {@link StartupException} naming the cause before anything has started when a
   * port is taken or another process holds the data directory.
   */
  public static EmbeddedPlatform start(PlatformConfig config) throws Exception {
    long started = System.nanoTime();
    StartupChecks.DataDirLock lock = StartupChecks.lockDataDir(config.dataDir());
    List<AutoCloseable> started_ = new ArrayList<>();
    started_.add(lock);
    try {
      StartupChecks.requireFreePort(config.host(), config.kafkaPort(), "--kafka-port");
      StartupChecks.requireFreePort(config.host(), config.controllerPort(), "--controller-port");
      StartupChecks.requireFreePort(config.host(), config.registryPort(), "--registry-port");
      StartupChecks.requireFreePort(config.host(), config.scorerHttpPort(), "--scorer-http-port");
      StartupChecks.requireFreePort(config.host(), config.metricsPort(), "--metrics-port");
      StartupChecks.requireFreePort(config.host(), config.flinkMetricsPort(), "--flink-metrics-port");
      StartupChecks.requireFreePort(config.host(), config.dashboardPort(), "--dashboard-port");
      MetricsEndpoint metrics = config.metricsPort() < 0 ? null
          : MetricsEndpoint.start(config.host(), config.metricsPort());
      if (metrics != null) {
        started_.add(metrics);
      }
      // With metrics off the services still record, into a registry nothing reads.
      MeterRegistry meters = metrics == null ? new CompositeMeterRegistry() : metrics.registry();
      // Flink's reporter binds its port itself and does not say which it took: a free one is chosen for it.
      int flinkMetricsPort = config.flinkMetricsPort() == 0 ? FreePorts.next() : config.flinkMetricsPort();
      EmbeddedInfrastructure.Security security = config.secure()
          ? PlatformSecurity.prepare(config.securityDir(), config.host(), config.topicPrefix()) : null;
      EmbeddedInfrastructure infra = security == null
          ? EmbeddedInfrastructure.start(config.dataDir().resolve("kafka"), config.kafkaPort(),
              config.controllerPort(), config.host(), config.registryPort(), config.topicPrefix())
          : EmbeddedInfrastructure.startSecure(config.dataDir().resolve("kafka"), config.host(), config.kafkaPort(),
              config.controllerPort(), config.registryPort(), config.topicPrefix(), security);
      started_.add(infra);
      ApiSecurity api = security == null ? null : PlatformSecurity.api(config.securityDir(), security.tls());
      if (security != null) {
        infra.writeClientFiles(config.securityDir());
      }
      LocalFeatureJob job = LocalFeatureJob.start(infra.kafka(PlatformSecurity.FEATURE_JOB),
          config.featureJobConfig(infra.serdeConfig(PlatformSecurity.FEATURE_JOB)),
          config.dataDir().resolve("flink-checkpoints"),
          config.checkpointInterval(), config.flinkParallelism(),
          flinkMetricsPort < 0 ? OptionalInt.empty() : OptionalInt.of(flinkMetricsPort));
      started_.add(job);
      TrainerService trainer = new TrainerService(config.trainerConfig(infra.kafka(PlatformSecurity.TRAINER)),
          Topics.connect(infra.serdeConfig(PlatformSecurity.TRAINER)));
      trainer.withMetrics(meters);
      Thread trainerThread = new Thread(trainer, "trainer");
      trainerThread.setDaemon(true);
      // TrainerService logs its failure and reports it in its status; the console gets no stack trace.
      trainerThread.setUncaughtExceptionHandler((thread, error) -> { });
      trainerThread.start();
      started_.add(() -> stopTrainer(trainer, trainerThread));
      Topics scorerTopics = Topics.connect(infra.serdeConfig(PlatformSecurity.SCORER));
      ScorerService scorer = new ScorerService(infra.kafka(PlatformSecurity.SCORER),
          config.dataDir().resolve("scorer-state"), ArtifactStore.at(config.artifactDir()), config.scorer(),
          scorerTopics).withHttp(config.host(), config.scorerHttpPort()).withHttpSecurity(api);
      started_.add(scorer);
      scorer.withMetrics(meters);
      scorer.start();
      DriftService driftMonitor = new DriftService(infra.kafka(PlatformSecurity.DRIFT),
          config.dataDir().resolve("drift-state"), config.drift(),
          Topics.connect(infra.serdeConfig(PlatformSecurity.DRIFT)));
      started_.add(driftMonitor);
      driftMonitor.withMetrics(meters);
      driftMonitor.start();
      PairSuggestionService pairSuggestions = new PairSuggestionService(infra.kafka(PlatformSecurity.SCORER),
          config.dataDir().resolve("pairs-state"), ArtifactStore.at(config.artifactDir()), config.pairs(),
          scorerTopics);
      started_.add(pairSuggestions);
      pairSuggestions.withMetrics(meters);
      pairSuggestions.start();
      DashboardService dashboard = config.dashboardPort() < 0 ? null
          : DashboardService.start(infra.kafka(PlatformSecurity.DASHBOARD),
              Topics.connect(infra.serdeConfig(PlatformSecurity.DASHBOARD)), config.host(), config.dashboardPort(), api);
      if (dashboard != null) {
        started_.add(dashboard);
      }
      Duration startup = Duration.ofNanos(System.nanoTime() - started);
      LOG.info("platform up in {} ms", startup.toMillis());
      return new EmbeddedPlatform(config, lock, infra, job, trainer, trainerThread, scorer, driftMonitor,
          pairSuggestions, startup, metrics, flinkMetricsPort, dashboard);
    } catch (Exception | Error e) {
      for (int i = started_.size() - 1; i >= 0; i--) {
        started_.get(i).close();
      }
      throw e;
    }
  }

  public EmbeddedInfrastructure infrastructure() {
    return infra;
  }

  public PlatformConfig config() {
    return config;
  }

  public Duration startupTime() {
    return startup;
  }

  public TrainerStatus trainerStatus() {
    return trainer.status();
  }

  /** The scoring application's state, or that it waits for the first model version. */
  public String scorerStatus() {
    return scorer.status();
  }

  public KafkaStreams.State driftMonitorState() {
    return driftMonitor.state();
  }

  public KafkaStreams.State pairSuggestionsState() {
    return pairSuggestions.state();
  }

  public JobStatus featureJobStatus() {
    return featureJob.status();
  }

  public long liveScorerVersion() {
    return liveScorerModel().map(LoadedModel::version).orElse(0L);
  }

  /** The version the scorer serves now, as it loaded and verified it; empty before the first. */
  public Optional<LoadedModel> liveScorerModel() {
    return scorer.models().live();
  }

  /** Base URL of the scorer's scoring API. */
  public String scorerHttpUrl() {
    return scorer.httpUrl();
  }

  /** The services' Prometheus scrape URL; empty when metrics are off. */
  public Optional<String> metricsUrl() {
    return Optional.ofNullable(metrics).map(MetricsEndpoint::url);
  }

  /** The live validation dashboard's URL; empty when off. */
  public Optional<String> dashboardUrl() {
    return Optional.ofNullable(dashboard).map(DashboardService::url);
  }

  /** The feature job's Prometheus scrape URL (Flink's reporter); empty when off. */
  public Optional<String> flinkMetricsUrl() {
    return flinkMetricsPort < 0 ? Optional.empty()
        : Optional.of("http://" + config.host() + ":" + flinkMetricsPort + "/metrics");
  }

  public java.util.Optional<java.nio.file.Path> restoredCheckpoint() {
    return featureJob.restoredFrom();
  }

  /** Stops everything, newest first; state stays in the data directory. */
  @Override
  public void close() {
    if (dashboard != null) {
      closeQuietly("dashboard", dashboard);
    }
    closeQuietly("pair suggestions", pairSuggestions);
    closeQuietly("drift monitor", driftMonitor);
    closeQuietly("scorer", scorer);
    stopTrainer(trainer, trainerThread);
    closeQuietly("feature job", featureJob);
    closeQuietly("infrastructure", infra);
    if (metrics != null) {
      closeQuietly("metrics endpoint", metrics);
    }
    lock.close();
  }

  /** Lets a publish in flight complete (see {@link TrainerService#close()}), then releases the trainer. */
  private static void stopTrainer(TrainerService trainer, Thread trainerThread) {
    trainer.close();
    try {
      trainerThread.join(Duration.ofSeconds(30).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    trainer.release();
  }

  private static void closeQuietly(String what, AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      LOG.warn("stopping {} failed", what, e);
    }
  }
}
