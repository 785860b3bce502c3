package dev.rewardstream.sim;

import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.Preference;

/** Where simulated and replayed records go: the topics, or a list in a test. */
public interface RecordSink extends AutoCloseable {

  void interaction(Interaction interaction);

  void preference(Preference preference);

  /** Bytes that are deliberately not a valid record (the malformed-input scenario), to the named topic. */
  void raw(String topic, byte[] key, byte[] value);

  /** Blocks until everything handed over is stored; fails if anything could not be. */
  void flush();

  @Override
  void close();
}
