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

  /** Forgets every example, as a new buffer would. */
  public void clear() {
    seen = 0;
    recent.clear();
    reservoir.clear();
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

  /** Writes the buffer's contents for the trainer's checkpoint. */
  public void save(java.io.DataOutputStream out) throws java.io.IOException {
    out.writeLong(seen);
    writeAll(out, new ArrayList<>(recent));
    writeAll(out, reservoir);
  }

  /** Replaces the buffer's contents with what {@link #save} wrote. */
  public void load(java.io.DataInputStream in) throws java.io.IOException {
    seen = in.readLong();
    recent.clear();
    recent.addAll(readAll(in));
    reservoir.clear();
    reservoir.addAll(readAll(in));
  }

  private static void writeAll(java.io.DataOutputStream out, List<TrainingExample> examples)
      throws java.io.IOException {
    out.writeInt(examples.size());
    for (TrainingExample example : examples) {
      java.nio.ByteBuffer bytes = TrainingExample.getEncoder().encode(example);
      out.writeInt(bytes.remaining());
      out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
    }
  }

  private static List<TrainingExample> readAll(java.io.DataInputStream in) throws java.io.IOException {
    int n = in.readInt();
    List<TrainingExample> examples = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      byte[] bytes = new byte[in.readInt()];
      in.readFully(bytes);
      examples.add(TrainingExample.getDecoder().decode(bytes));
    }
    return examples;
  }

  /** The most recent examples, newest last. */
  public List<TrainingExample> recent(int n) {
    List<TrainingExample> all = new ArrayList<>(recent);
    return all.subList(Math.max(0, all.size() - n), all.size());
  }
}
