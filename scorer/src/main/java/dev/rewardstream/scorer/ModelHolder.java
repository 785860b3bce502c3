package dev.rewardstream.scorer;

import dev.rewardstream.model.ArtifactRejectedException;
import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.LoadedModel;
import dev.rewardstream.schema.ModelUpdate;
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
 * <p>A replaced version is closed one swap later rather than at once, because a stream thread may still be inside a
 * scoring call on it; a call lasts microseconds and versions arrive seconds apart.
 */
public final class ModelHolder implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ModelHolder.class);

  /** A model update that was refused ({@code what}: the model and version, when readable), and why. */
  public record Refusal(String what, String reason) {}

  private final String modelName;
  private final FeatureSpec featureSpec;
  private final AtomicReference<LoadedModel> live = new AtomicReference<>();
  private final Queue<Refusal> refusals = new ConcurrentLinkedQueue<>();
  private LoadedModel retiring;

  public ModelHolder(String modelName, FeatureSpec featureSpec) {
    this.modelName = modelName;
    this.featureSpec = featureSpec;
  }

  public String modelName() {
    return modelName;
  }

  public FeatureSpec featureSpec() {
    return featureSpec;
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
      loaded = LoadedModel.load(update, featureSpec);
    } catch (ArtifactRejectedException e) {
      LOG.warn("refused {} v{}: {}", update.getModelName(), update.getVersion(), e.getMessage());
      refusals.add(new Refusal(update.getModelName() + " v" + update.getVersion(), e.getMessage()));
      return false;
    }
    live.set(loaded);
    if (retiring != null) {
      retiring.close();
    }
    retiring = current;
    LOG.info("now serving {} v{}", modelName, update.getVersion());
    return true;
  }

  /** Records a model update that could not even be read. */
  public void refuseUnreadable(String reason) {
    refusals.add(new Refusal("unreadable model update", reason));
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
    if (retiring != null) {
      retiring.close();
      retiring = null;
    }
  }
}
