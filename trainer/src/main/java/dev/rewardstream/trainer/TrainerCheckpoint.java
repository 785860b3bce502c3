package dev.rewardstream.trainer;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The trainer's resumable state in one file, replaced atomically: the version it goes with, counters, the consumer
 * positions the state covers, the replay buffer and the learner (parameters and optimizer moments).
 */
final class TrainerCheckpoint {

  private static final int FORMAT = 2;

  /** What is restored besides the learner and the buffer. */
  record State(long version, long examplesTrained, long steps, Map<String, Long> offsets) {}

  /** A restored learner with the rest of the state. */
  record Restored(State state, RewardLearner learner) {}

  private final Path file;
  private final LearnerOptions options;

  TrainerCheckpoint(Path file, LearnerOptions options) {
    this.file = file;
    this.options = options;
  }

  void write(State state, RewardLearner learner, ReplayBuffer replay) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(buffer)) {
      out.writeInt(FORMAT);
      out.writeUTF(learner.architecture().describe() + "/" + options.algorithm().cliName());
      out.writeLong(state.version());
      out.writeLong(state.examplesTrained());
      out.writeLong(state.steps());
      out.writeInt(state.offsets().size());
      for (Map.Entry<String, Long> offset : state.offsets().entrySet()) {
        out.writeUTF(offset.getKey());
        out.writeLong(offset.getValue());
      }
      replay.save(out);
      learner.saveState(out);
    }
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, buffer.toByteArray());
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Restores the buffer, builds the learner from the checkpoint and returns both with the rest, or empty when there is
   * no checkpoint yet.
   */
  Optional<Restored> read(dev.rewardstream.model.FeatureSpec spec, ReplayBuffer replay) {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try (InputStream raw = Files.newInputStream(file); DataInputStream in = new DataInputStream(raw)) {
      int format = in.readInt();
      String architecture = in.readUTF();
      String expected = RewardLearner.architecture(spec, options).describe() + "/" + options.algorithm().cliName();
      if (format != FORMAT || !architecture.equals(expected)) {
        throw new IOException("checkpoint " + file + " is format " + format + " of " + architecture
            + ", this trainer is format " + FORMAT + " of " + expected);
      }
      long version = in.readLong();
      long examples = in.readLong();
      long steps = in.readLong();
      int partitions = in.readInt();
      Map<String, Long> offsets = new HashMap<>();
      for (int i = 0; i < partitions; i++) {
        offsets.put(in.readUTF(), in.readLong());
      }
      replay.load(in);
      RewardLearner learner = RewardLearner.fromState(spec, options, in);
      return Optional.of(new Restored(new State(version, examples, steps, offsets), learner));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restore the trainer from " + file, e);
    }
  }
}
