package dev.rewardstream.scorer;

import dev.rewardstream.model.ArtifactRejectedException;
import dev.rewardstream.model.ArtifactStore;
import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.LoadedModel;
import dev.rewardstream.model.VersionMetrics;
import dev.rewardstream.schema.ModelUpdate;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live model version. A new version is verified and loaded completely on the caller's thread (the global-store
 * thread, never a stream thread), then published with one atomic reference swap: every record is scored by exactly one
 * complete version. A refused artifact leaves the previous version serving and is queued as a refusal for the
 * topology to alert on.
 *
 * <p>The replaced version stays reachable as {@link #previous()}, so a rescore can say how far scores moved; a loaded
 * model holds only Java arrays, so keeping it costs heap, not native memory.
 */
public final class ModelHolder implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ModelHolder.class);

  /** A model update that was refused ({@code what}: the model and version, when readable), and why. */
  public record Refusal(String what, String reason) {}

  private final String modelName;
  private final FeatureSpec featureSpec;
  private final AtomicReference<LoadedModel> live = new AtomicReference<>();
  private final ArtifactStore artifacts;
  private final Queue<Refusal> refusals = new ConcurrentLinkedQueue<>();
  private volatile LoadedModel previous;

  private final Counter swaps;
  private final Counter refused;
  private final Timer swapDelay;
  private final Timer freshness;

  /** @param artifacts the only directory versions are read from ({@link ArtifactStore}) */
  public ModelHolder(String modelName, FeatureSpec featureSpec, ArtifactStore artifacts) {
    this(modelName, featureSpec, artifacts, new CompositeMeterRegistry());
  }

  /**
   * @param meters where the live version, the swaps, the refusals and how fresh each version is when it goes live
   *     are reported
   */
  public ModelHolder(String modelName, FeatureSpec featureSpec, ArtifactStore artifacts, MeterRegistry meters) {
    this.modelName = modelName;
    this.featureSpec = featureSpec;
    this.artifacts = artifacts;
    Gauge.builder("rewardstream.scorer.model.version", live, l -> l.get() == null ? 0 : l.get().version())
        .description("The model version the scorer serves (0: none yet)").tag("model", modelName).register(meters);
    swaps = Counter.builder("rewardstream.scorer.model.swaps").description("Model versions that went live")
        .tag("model", modelName).register(meters);
    refused = Counter.builder("rewardstream.scorer.model.refused")
        .description("Model updates refused (unverifiable artifact, other feature spec, unreadable)")
        .tag("model", modelName).register(meters);
    swapDelay = Timer.builder("rewardstream.scorer.model.swap.delay")
        .description("From a version's creation by the trainer until the scorer serves it")
        .tag("model", modelName).publishPercentileHistogram().register(meters);
    freshness = Timer.builder("rewardstream.freshness")
        .description("From the newest preference a version learned until the scorer serves that version")
        .tag("model", modelName).publishPercentileHistogram().register(meters);
  }

  public String modelName() {
    return modelName;
  }

  public FeatureSpec featureSpec() {
    return featureSpec;
  }

  /** The version the live one replaced, if any. */
  public Optional<LoadedModel> previous() {
    return Optional.ofNullable(previous);
  }

  public Optional<LoadedModel> live() {
    return Optional.ofNullable(live.get());
  }

  /** Loads {@code update} if it is a newer version of this holder's model; returns whether it is now live. */
  public synchronized boolean offer(ModelUpdate update) {
    if (!update.getModelName().equals(modelName)) {
      return false;
    }
    LoadedModel current = live.get();
    if (current != null && update.getVersion() <= current.version()) {
      return false;
    }
    LoadedModel loaded;
    try {
      loaded = LoadedModel.load(update, featureSpec, artifacts);
    } catch (ArtifactRejectedException e) {
      LOG.warn("refused {} v{}: {}", update.getModelName(), update.getVersion(), e.getMessage());
      refusals.add(new Refusal(update.getModelName() + " v" + update.getVersion(), e.getMessage()));
      refused.increment();
      return false;
    }
    live.set(loaded);
    previous = current;
    recordSwap(update);
    LOG.info("now serving {} v{}", modelName, update.getVersion());
    return true;
  }

  /** Records a model update that could not even be read. */
  public void refuseUnreadable(String reason) {
    refusals.add(new Refusal("unreadable model update", reason));
    refused.increment();
  }

  private void recordSwap(ModelUpdate update) {
    swaps.increment();
    long now = System.currentTimeMillis();
    if (update.getCreatedAt() != null) {
      swapDelay.record(Duration.ofMillis(Math.max(0, now - update.getCreatedAt().toEpochMilli())));
    }
    Double newest = update.getMetrics() == null ? null
        : update.getMetrics().get(VersionMetrics.NEWEST_EXAMPLE_EVENT_TIME_MS);
    if (newest != null) {
      freshness.record(Duration.ofMillis(Math.max(0, now - newest.longValue())));
    }
  }

  /** The next refusal not yet reported, if any. */
  public Optional<Refusal> pollRefusal() {
    return Optional.ofNullable(refusals.poll());
  }

  @Override
  public synchronized void close() {
    LoadedModel current = live.getAndSet(null);
    if (current != null) {
      current.close();
    }
    previous = null;
  }
}
