package dev.rewardstream.trainer;

import dev.rewardstream.schema.TrainingExample;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;

/**
 * Examples to replay beside new ones: a window of the most recent (so the model follows drift) and a uniform reservoir
 * over everything seen (so it does not forget). Samples draw half from each.
 */
public final class ReplayBuffer {

  private final int recentCapacity;
  private final int reservoirCapacity;
  private final Deque<TrainingExample> recent = new ArrayDeque<>();
  private final List<TrainingExample> reservoir = new ArrayList<>();
  private final Random random;
  private long seen;

  public ReplayBuffer(int recentCapacity, int reservoirCapacity, long seed) {
    this.recentCapacity = recentCapacity;
    this.reservoirCapacity = reservoirCapacity;
    this.random = new Random(seed);
  }

  public void add(TrainingExample example) {
    seen++;
    recent.addLast(example);
    if (recent.size() > recentCapacity) {
      recent.removeFirst();
    }
    if (reservoir.size() < reservoirCapacity) {
      reservoir.add(example);
    } else {
      long slot = (long) (random.nextDouble() * seen);
      if (slot < reservoirCapacity) {
        reservoir.set((int) slot, example);
      }
    }
  }

  public int size() {
    return reservoir.size();
  }

  /** Up to {@code n} examples, with replacement, half from the recent window and half from the reservoir. */
  public List<TrainingExample> sample(int n) {
    List<TrainingExample> sample = new ArrayList<>(n);
    if (reservoir.isEmpty()) {
      return sample;
    }
    List<TrainingExample> recentList = new ArrayList<>(recent);
    for (int i = 0; i < n; i++) {
      List<TrainingExample> from = (i % 2 == 0) ? recentList : reservoir;
      sample.add(from.get(random.nextInt(from.size())));
    }
    return sample;
  }

  /** The most recent examples, newest last. */
  public List<TrainingExample> recent(int n) {
    List<TrainingExample> all = new ArrayList<>(recent);
    return all.subList(Math.max(0, all.size() - n), all.size());
  }
}
