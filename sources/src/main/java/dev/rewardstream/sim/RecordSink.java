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

  /** {@code delegate}, telling the observers of each record just before handing it on (benchmarks' ground truth). */
  static RecordSink observed(RecordSink delegate, java.util.function.Consumer<Interaction> onInteraction,
      java.util.function.Consumer<Preference> onPreference) {
    return new RecordSink() {
      @Override
      public void interaction(Interaction interaction) {
        onInteraction.accept(interaction);
        delegate.interaction(interaction);
      }

      @Override
      public void preference(Preference preference) {
        onPreference.accept(preference);
        delegate.preference(preference);
      }

      @Override
      public void raw(String topic, byte[] key, byte[] value) {
        delegate.raw(topic, key, value);
      }

      @Override
      public void flush() {
        delegate.flush();
      }

      @Override
      public void close() {
        delegate.close();
      }
    };
  }
}
