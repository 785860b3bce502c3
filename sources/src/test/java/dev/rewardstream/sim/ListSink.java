package dev.rewardstream.sim;

import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.Preference;
import java.util.ArrayList;
import java.util.List;

/** Keeps what a simulator produced, in order, for assertions. */
final class ListSink implements RecordSink {

  final List<Object> sent = new ArrayList<>();
  final List<Interaction> interactions = new ArrayList<>();
  final List<Preference> preferences = new ArrayList<>();
  final List<byte[]> raw = new ArrayList<>();

  @Override
  public void interaction(Interaction interaction) {
    interactions.add(interaction);
    sent.add(interaction);
  }

  @Override
  public void preference(Preference preference) {
    preferences.add(preference);
    sent.add(preference);
  }

  @Override
  public void raw(String topic, byte[] key, byte[] value) {
    raw.add(value);
    sent.add(value);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
