package dev.rewardstream.trainer;

import dev.rewardstream.model.LoadedModel;
import dev.rewardstream.model.RewardAttributes;
import dev.rewardstream.model.VersionMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.ArrayList;
import dev.rewardstream.schema.DeadLetter;
import dev.rewardstream.schema.ModelUpdate;
import dev.rewardstream.schema.TrainingExample;
import dev.rewardstream.schema.RecordRejectedException;
import dev.rewardstream.serde.DeadLetters;
import dev.rewardstream.serde.SchemaRegistryUnavailableException;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.serde.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer service. Reads {@code training-examples} (committed records only), trains the reward model online and
 * publishes validated versions: parameters file + {@code model-updates} event.
 *
 * <p>With each published version the trainer writes a checkpoint — the learner's state, the replay buffer, its
 * counters and the consumer positions, in one atomically replaced file — and commits those positions in the
 * transaction that publishes the version. After a crash (kill -9 included) it restores the checkpoint and seeks to its
 * positions, so every example is trained on
 * exactly once apart from what a replaying learner replays on purpose: none is skipped, none is counted twice. Version
 * numbers continue from the latest published one and are never reused for a published version.
 *
 * <p>Instances of one model share a consumer group in which {@link SingleActiveAssignor} gives the whole input to
 * one of them: it learns and publishes, the others wait as standbys, and when it leaves or dies (its session expires
 * after {@link #SESSION_TIMEOUT}) one of them takes its turn from the latest checkpoint. Each turn opens the model's
 * transactional producer, which fences whichever instance held it before: a paused instance that wakes up after
 * losing its turn cannot publish, and returns to waiting.
 *
 * <p>Each candidate is validated on the recent examples ({@link TrainingSchedule}: by default the scores it gave each
 * just before learning it) and published only if its pairwise accuracy is not below the live version's on the same
 * examples by more than the tolerance. Examples that cannot be used (undecodable, other feature spec, bad target) are
 * dead-lettered with their origin.
 */
public final class TrainerService implements Runnable, AutoCloseable {

  public static final String STAGE = "trainer/validate-example";
  private static final Logger LOG = LoggerFactory.getLogger(TrainerService.class);
  private static final int MIN_HOLDOUT_PAIRS_FOR_GATE = 30;
  /** How long after an active instance dies a standby takes over (Kafka's default, 45 s, is long for a trainer). */
  static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);

  private final TrainerConfig config;
  private final Topics topics;
  private RewardLearner learner;
  private ReplayBuffer replay;
  private TrainingSchedule schedule;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaProducer<byte[], byte[]> producer;
  private final String transactionalId;
  /** The producer of this instance's current turn; null while it waits. */
  private KafkaProducer<byte[], byte[]> publishProducer;
  private VersionPublisher publisher;
  private volatile boolean active;
  private final ExampleValidator validator;
  private volatile boolean running = true;
  private LoadedModel live;
  private long liveVersion;
  private long stepsSincePublish;
  private long lastPublishNanos = System.nanoTime();
  private long rejectedCandidates;
  private long deadLetters;
  private Map<String, Double> liveMetrics = Map.of();
  private Instant firstExampleAt;
  private Instant firstPublishAt;
  private volatile String failure;
  private final TrainerCheckpoint checkpoint;
  private final CompositeMeterRegistry meters = new CompositeMeterRegistry();
  private final Counter deadLetterCounter;
  private final List<KafkaClientMetrics> clientMetrics = new ArrayList<>();
  /** The group assigned this instance the input; its turn begins in the poll loop. */
  private boolean turnPending;
  /** A turn waits until the schema registry answers again. */
  private boolean awaitingRegistry;
  private java.util.function.Consumer<ModelUpdate> publishListener = update -> { };
  private final java.util.concurrent.atomic.AtomicReference<TrainerStatus> status =
      new java.util.concurrent.atomic.AtomicReference<>(
          new TrainerStatus(0, 0, 0, 0, 0, 0, Map.of(), null, null, null, false));

  public TrainerService(TrainerConfig config, Topics topics) {
    this.config = config;
    this.topics = topics;
    freshState();
    this.validator = new ExampleValidator(config.featureSpec(), config.learner().attributes());
    RewardAttributes attributes = config.learner().attributes();
    if (attributes.named() && attributes.headOf(null) < 0) {
      LOG.warn("the attribute heads {} have no '{}' head: labels that name no attribute will be dead-lettered (add "
          + "{}=WEIGHT to --attributes to learn them)", attributes.names(), RewardAttributes.OVERALL,
          RewardAttributes.OVERALL);
    }
    String group = groupId(topics, config.modelName());
    this.consumer = TopicIO.consumer(config.kafka(), group, Map.of(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, SingleActiveAssignor.class.getName(),
        ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) SESSION_TIMEOUT.toMillis(),
        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) SESSION_TIMEOUT.toMillis() / 3));
    this.transactionalId = group;
    this.producer = TopicIO.producer(config.kafka());
    this.checkpoint = new TrainerCheckpoint(config.artifactDir().resolve(config.modelName())
        .resolve("trainer-checkpoint.bin"), config.learner());
    this.deadLetterCounter = DeadLetters.counter(meters, STAGE);
    registerMetrics();
  }

  /**
   * The consumer group of a model's trainer instances, and the transactional id of its publishing producer: whoever
   * opens a producer with it fences the instance that had it.
   */
  public static String groupId(Topics topics, String modelName) {
    return topics.config().topicPrefix() + "rewardstream-trainer-" + modelName;
  }

  /** What the trainer reports, all read from its published status so a scrape never races the training thread. */
  private void registerMetrics() {
    Tags model = Tags.of("model", config.modelName());
    FunctionCounter.builder("rewardstream.trainer.examples.trained", status, s -> s.get().examplesTrained())
        .description("Training examples learned").tags(model).register(meters);
    FunctionCounter.builder("rewardstream.trainer.steps", status, s -> s.get().steps())
        .description("Optimizer steps taken").tags(model).register(meters);
    FunctionCounter.builder("rewardstream.trainer.candidates.refused", status, s -> s.get().rejectedCandidates())
        .description("Candidates the publish gate refused against the live version").tags(model).register(meters);
    Gauge.builder("rewardstream.trainer.active", status, s -> s.get().active() ? 1 : 0)
        .description("1 while this instance is the one learning and publishing the model, 0 while it waits")
        .tags(model).register(meters);
    Gauge.builder("rewardstream.trainer.model.version", status, s -> s.get().liveVersion())
        .description("The newest version the trainer published").tags(model).register(meters);
    versionMetric("rewardstream.trainer.holdout.accuracy", VersionMetrics.PAIRWISE_ACCURACY,
        "Pairwise accuracy against labels of the newest version on its validation window", model);
    versionMetric("rewardstream.trainer.holdout.log.loss", VersionMetrics.LOG_LOSS,
        "Bradley-Terry log-loss of the newest version on its validation window", model);
    versionMetric("rewardstream.trainer.holdout.ece", VersionMetrics.CALIBRATION_ECE,
        "Expected calibration error of the newest version on its validation window", model);
    versionMetric("rewardstream.trainer.loss", VersionMetrics.TRAINING_LOSS,
        "Recent training loss when the newest version was published", model);
    for (String attribute : config.learner().attributes().names()) {
      Tags head = model.and("attribute", attribute);
      versionMetric("rewardstream.trainer.attribute.accuracy",
          VersionMetrics.ofAttribute(VersionMetrics.PAIRWISE_ACCURACY, attribute),
          "Pairwise accuracy of one attribute head on its own labels in the newest version's validation window", head);
      versionMetric("rewardstream.trainer.attribute.rating.mse",
          VersionMetrics.ofAttribute(VersionMetrics.REGRESSION_MSE, attribute),
          "Squared error of one attribute head on its ratings in the newest version's validation window", head);
    }
  }

  private void versionMetric(String name, String key, String description, Tags tags) {
    Gauge.builder(name, status, s -> s.get().liveMetrics().getOrDefault(key, Double.NaN))
        .description(description).tags(tags).register(meters);
  }

  /** Reports the trainer's metrics and its Kafka clients' (consumer lag included) to {@code registry}. */
  public TrainerService withMetrics(MeterRegistry registry) {
    meters.add(registry);
    for (KafkaClientMetrics client : List.of(new KafkaClientMetrics(consumer), new KafkaClientMetrics(producer))) {
      client.bindTo(registry);
      clientMetrics.add(client);
    }
    return this;
  }

  /**
   * Told of each version on the trainer's thread as soon as its event is acknowledged, while the publish is still in
   * flight (its offsets not yet committed): a listener that blocks holds the publish there.
   */
  public TrainerService onPublished(java.util.function.Consumer<ModelUpdate> listener) {
    this.publishListener = listener;
    return this;
  }

  @Override
  public void run() {
    try {
      consumer.subscribe(List.of(topics.trainingExamples.name()), new Turns());
      while (running) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
        if (turnPending) {
          beginPendingTurn();
        }
        if (!active) {
          // Waiting as a standby, or for the registry (a turn just ended inside the poll): whoever holds the input
          // now learns these.
          status.set(snapshot());
          continue;
        }
        try {
          for (ConsumerRecord<byte[], byte[]> record : records) {
            accept(record);
          }
          trainOnPending(records.isEmpty());
          if (stepsSincePublish > 0 && (stepsSincePublish >= config.publishEverySteps()
              || System.nanoTime() - lastPublishNanos >= config.publishInterval().toNanos())) {
            publishCandidate();
          }
        } catch (RuntimeException e) {
          if (!SchemaRegistryUnavailableException.isCauseOf(e)) {
            throw e;
          }
          waitForRegistry(e);
        }
        status.set(snapshot());
      }
    } catch (RuntimeException e) {
      failure = e.toString();
      status.set(snapshot());
      LOG.error("trainer stopped", e);
      throw e;
    } finally {
      // The turn ends before the consumer leaves its group, which would otherwise report it as taken away.
      endTurn(null);
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /**
   * The registry stopped answering in the middle of a turn (an example whose writer schema this process has not
   * seen, a dead letter or a version to encode). The turn ends as a crash would end it, keeping the input: it begins
   * again from the state published last once the registry answers, so what was learned since is learned once more and
   * nothing is skipped or committed twice.
   */
  private void waitForRegistry(RuntimeException outage) {
    endTurn("the schema registry does not answer (" + outage.getMessage() + "); it holds the input and begins "
        + "again from the published state when the registry is back");
    awaitingRegistry = true;
    holdInput();
  }

  /** Keeps the group's assignment while no turn runs: nothing is fetched until {@link #beginPendingTurn()}. */
  private void holdInput() {
    consumer.pause(consumer.assignment());
    turnPending = true;
  }

  /**
   * Begins the turn the group assigned, here rather than in the rebalance callback, so that a registry outage can be
   * waited out while the consumer goes on polling and stays in its group.
   */
  private void beginPendingTurn() {
    if (awaitingRegistry && !topics.registryAnswers()) {
      return;
    }
    Set<TopicPartition> assignment = consumer.assignment();
    try {
      beginTurn(assignment);
    } catch (RuntimeException e) {
      if (!SchemaRegistryUnavailableException.isCauseOf(e)) {
        throw e;
      }
      if (!awaitingRegistry) {
        LOG.warn("this trainer instance cannot begin its turn: the schema registry does not answer ({}); it holds "
            + "the input and begins when the registry is back", e.getMessage());
      }
      awaitingRegistry = true;
      return;
    }
    if (awaitingRegistry) {
      LOG.info("the schema registry answers again");
    }
    awaitingRegistry = false;
    turnPending = false;
    consumer.resume(assignment);
  }

  /** A replay buffer and schedule as a starting trainer has them; each turn begins with its own. */
  private void freshState() {
    this.replay = new ReplayBuffer(config.replayCapacity(), config.replayCapacity(), 42);
    this.schedule = new TrainingSchedule(config, replay);
  }

  /**
   * This instance's turn begins: its transactional producer fences the previous holder (aborting what it left open),
   * then it resumes from the state published last.
   */
  private void beginTurn(Set<TopicPartition> partitions) {
    publishProducer = TopicIO.transactionalProducer(config.kafka(), transactionalId);
    Map<TopicPartition, OffsetAndMetadata> committed;
    TrainerResume.Resumed resumed;
    try {
      publishProducer.initTransactions();
      freshState();
      committed = consumer.committed(partitions);
      Map<String, Long> committedByName = new HashMap<>();
      committed.forEach((partition, offset) -> {
        if (offset != null) {
          committedByName.put(partition.toString(), offset.offset());
        }
      });
      resumed = TrainerResume.resume(config, topics, checkpoint, replay, committedByName);
    } catch (RuntimeException e) {
      publishProducer.close(Duration.ZERO);
      publishProducer = null;
      throw e;
    }
    publisher = new VersionPublisher(config, topics, publishProducer, checkpoint);
    learner = resumed.learner();
    live = resumed.live();
    liveVersion = resumed.liveVersion();
    liveMetrics = resumed.liveMetrics();
    schedule.resume(resumed.examplesTrained(), resumed.steps());
    // Exactly where the resumed state stops: the checkpoint's offsets, else the committed ones (the consumer may have
    // read past them in a turn that ended without leaving the group), else the start.
    for (TopicPartition partition : partitions) {
      Long offset = resumed.offsets().get(partition.toString());
      OffsetAndMetadata commit = committed.get(partition);
      if (offset == null && commit != null) {
        offset = commit.offset();
      }
      if (offset != null) {
        consumer.seek(partition, offset);
      } else {
        consumer.seekToBeginning(List.of(partition));
      }
    }
    stepsSincePublish = 0;
    lastPublishNanos = System.nanoTime();
    active = true;
    LOG.info("this trainer instance now learns and publishes model '{}' (from v{})", config.modelName(), liveVersion);
  }

  /**
   * This instance's turn ends: it keeps nothing of it, and waits until the group gives it the input again.
   *
   * @param why what ended it; null when the trainer stops
   */
  private void endTurn(String why) {
    if (!active) {
      return;
    }
    active = false;
    publishProducer.close(Duration.ZERO);
    publishProducer = null;
    publisher = null;
    if (learner != null) {
      learner.close();
      learner = null;
    }
    if (live != null) {
      live.close();
      live = null;
    }
    if (why != null) {
      LOG.warn("this trainer instance no longer learns model '{}' ({}); it waits as a standby", config.modelName(),
          why);
    }
  }

  /**
   * Turns follow the group's assignment: all of the input (a turn begins in the poll loop, positioned exactly where the
   * resumed state stops) or none of it.
   */
  private final class Turns implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (!partitions.isEmpty() && !active) {
        holdInput();
      }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (!partitions.isEmpty()) {
        turnPending = false;
        endTurn("the group gave its input to another instance");
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      turnPending = false;
      endTurn("its group session expired");
    }
  }

  private void accept(ConsumerRecord<byte[], byte[]> record) {
    TrainingExample example;
    try {
      example = topics.trainingExamples.decode(record.value());
      validator.check(example);
    } catch (RecordRejectedException e) {
      deadLetter(record, e);
      return;
    }
    if (firstExampleAt == null) {
      firstExampleAt = Instant.now();
    }
    schedule.accept(example);
  }

  /** Deterministic: the same example is in the holdout on every run and after every restart. */
  public static boolean isHoldout(String exampleId, int holdoutPercent) {
    int h = 0x9747b28c;
    for (byte b : exampleId.getBytes(StandardCharsets.UTF_8)) {
      h ^= b;
      h *= 0x5bd1e995;
      h ^= h >>> 15;
    }
    return Math.floorMod(h, 100) < holdoutPercent;
  }

  private void trainOnPending(boolean drain) {
    int taken = schedule.train(learner, drain);
    stepsSincePublish += taken;
  }

  private void publishCandidate() {
    trainOnPending(true);
    TrainingSchedule.Validation validation = schedule.validation(learner);
    List<TrainingExample> window = validation.examples();
    Evaluation candidate = Evaluation.of(window, validation.candidateRewards());
    stepsSincePublish = 0;
    lastPublishNanos = System.nanoTime();
    List<TrainingExample> gateWindow = validation.gateExamples();
    double[][] gateRewards = validation.gateCandidateRewards();
    if (live != null && Evaluation.of(gateWindow, gateRewards).pairs() >= MIN_HOLDOUT_PAIRS_FOR_GATE) {
      HoldoutGate.Verdict verdict = HoldoutGate.decide(gateWindow, gateRewards,
          SideRewards.byAttribute(gateWindow, live.attributes(), live::scoreHead), config.gateTolerance());
      if (!verdict.publish()) {
        rejectedCandidates++;
        schedule.refused();
        LOG.info("candidate refused against live v{}: {}", liveVersion, verdict);
        return;
      }
    }
    // The reward scale the scorer normalizes by: the candidate's own served rewards of recent examples.
    List<TrainingExample> referenceExamples = window.size() >= MIN_HOLDOUT_PAIRS_FOR_GATE ? window
        : replay.recent(512);
    Evaluation reference = Evaluation.of(referenceExamples, SideRewards.of(referenceExamples, learner::score));
    Map<String, Double> perAttribute = new HashMap<>(
        Evaluation.perAttribute(window, validation.candidateRewards(), learner.attributes()));
    for (int h = 0; learner.attributes().named() && h < learner.attributes().heads(); h++) {
      int head = h;
      Evaluation scale = Evaluation.of(referenceExamples,
          SideRewards.of(referenceExamples, steps -> learner.scoreHead(head, steps)));
      String name = learner.attributes().names().get(h);
      perAttribute.put(VersionMetrics.ofAttribute(VersionMetrics.REWARD_MEAN, name), scale.rewardMean());
      perAttribute.put(VersionMetrics.ofAttribute(VersionMetrics.REWARD_STD, name), scale.rewardStd());
    }
    long version = liveVersion + 1;
    try {
      Map<TopicPartition, Long> positions = new HashMap<>();
      for (TopicPartition partition : consumer.assignment()) {
        positions.put(partition, consumer.position(partition));
      }
      ModelUpdate update = publisher.publish(version, learner, replay, schedule, candidate,
          perAttribute, reference, positions,
          rejectedCandidates, consumer.groupMetadata(), publishListener);
      LoadedModel previous = live;
      live = LoadedModel.load(update, config.featureSpec(), config.artifactStore());
      if (previous != null) {
        previous.close();
      }
      liveVersion = version;
      liveMetrics = update.getMetrics();
      schedule.published();
      if (firstPublishAt == null) {
        firstPublishAt = Instant.now();
      }
      Map<String, Double> overall = new java.util.TreeMap<>(liveMetrics);
      overall.keySet().removeIf(VersionMetrics::isPerScope);
      LOG.info("published {} v{}: {} (and label agreement of {} policies and agents)", config.modelName(), version,
          overall, liveMetrics.keySet().stream().filter(k -> k.startsWith(VersionMetrics.LABEL_PAIRS)).count());
    } catch (Exception e) {
      if (fenced(e)) {
        // Another instance took the turn while this one was paused: it publishes from here, and this candidate,
        // never committed, is seen by no one. Joining the group again as a new member hands the input to whoever
        // the group gives it now, this instance included, which then begins a turn of its own.
        endTurn("fenced while publishing v" + version + ": " + e);
        consumer.unsubscribe();
        consumer.subscribe(List.of(topics.trainingExamples.name()), new Turns());
        return;
      }
      throw new IllegalStateException("publishing version " + version + " failed", e);
    }
  }

  /** Whether {@code error} says another instance holds the model's producer or the group moved on without this one. */
  private static boolean fenced(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof ProducerFencedException || cause instanceof InvalidProducerEpochException
          || cause instanceof CommitFailedException || cause instanceof FencedInstanceIdException) {
        return true;
      }
    }
    return false;
  }

  private void deadLetter(ConsumerRecord<byte[], byte[]> record, Exception error) {
    DeadLetter letter = DeadLetters.of(STAGE, record.topic(), record.partition(), record.offset(), record.key(),
        record.value(), error);
    producer.send(new ProducerRecord<>(topics.deadLetters.name(),
        DeadLetters.keyOf(letter).getBytes(StandardCharsets.UTF_8), topics.deadLetters.encode(letter)));
    deadLetters++;
    deadLetterCounter.increment();
  }

  /** The latest snapshot; safe to call from any thread. */
  public TrainerStatus status() {
    return status.get();
  }

  private TrainerStatus snapshot() {
    return new TrainerStatus(liveVersion, schedule.examplesTrained(), schedule.steps(), schedule.validationSize(),
        rejectedCandidates, deadLetters, liveMetrics, firstExampleAt, firstPublishAt, failure, active);
  }

  /**
   * Asks {@link #run()} to return after the step it is in, within one poll interval (200 ms) plus a publish in flight.
   * The consumer is not woken up: a wakeup lands in whatever blocking call comes next, which may be the offset commit
   * of a publish whose event is already out, failing the publish half done. A publish in flight completes instead.
   */
  @Override
  public void close() {
    running = false;
  }

  /** Releases the producer after {@link #run()} has returned (which ended any turn). */
  public void release() {
    clientMetrics.forEach(KafkaClientMetrics::close);
    producer.close(Duration.ofSeconds(5));
  }
}
