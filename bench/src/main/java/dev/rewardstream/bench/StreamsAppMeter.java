package dev.rewardstream.bench;

import dev.rewardstream.serde.KafkaConnection;
import dev.rewardstream.serde.TopicIO;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Measures a Kafka Streams application from outside, as an operator would: its consumption rate from its committed
 * input offsets, and the latency of records through it from their send time to their output's visibility under
 * read_committed.
 */
final class StreamsAppMeter {

  /** The share of the interactions processed before the clock starts: start-up and the first rebalance. */
  static final double WARM_UP_FRACTION = 0.25;

  /** The share of the interactions committed when the measurement stops: the partitions finish unevenly after it. */
  static final double STEADY_END_FRACTION = 0.9;

  /** Steady-state records per second, and the whole process's CPU time per record over the same interval. */
  record Rate(double recordsPerSecond, double cpuMicrosPerRecord) {

    /** The pass with the median rate (its CPU per record with it). */
    static Rate median(List<Rate> rates) {
      List<Rate> sorted = rates.stream().sorted(java.util.Comparator.comparingDouble(Rate::recordsPerSecond)).toList();
      return sorted.get(sorted.size() / 2);
    }
  }

  /**
   * Records per second in steady state: the least-squares slope of the application's committed input offsets over
   * time, sampled every 20 ms, while they are between {@link #WARM_UP_FRACTION} and {@link #STEADY_END_FRACTION} of the
   * interactions. Start-up and rebalancing are not counted (the JIT's warm-up is the warm-up passes': the scorer has far
   * more code to compile than the identity), nor is the tail where the partitions finish one after another. Committed
   * offsets advance in steps, one per partition every 200 ms commit, which a rate between two samples would catch at
   * either end; the fit over every sample in between averages the steps out (docs/design-notes.md). CPU per record is
   * the process CPU time over the same samples.
   */
  static Rate rate(KafkaConnection kafka, String group, String input, long total,
      Supplier<KafkaStreams.State> state, Consumer<String> progress) throws Exception {
    com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    Metered metered = rate(kafka, group, Map.of(group, input), total, WARM_UP_FRACTION,
        Map.of("process", os::getProcessCpuTime), () -> state.get() == KafkaStreams.State.ERROR, progress);
    return new Rate(metered.recordsPerSecond(), metered.cpuMicrosPerRecord().get("process"));
  }

  /** Steady-state records per second, and per named group of processes its CPU time per record. */
  record Metered(double recordsPerSecond, Map<String, Double> cpuMicrosPerRecord) {}

  /**
   * The same measurement for any consumer of Kafka, in any processes: the committed offsets of every group on its
   * input topic ({@code inputs}: group → topic) summed; {@code cpuNanos} names the CPU time of each part measured (the
   * consumer's processes, the broker's), read at each sample. {@code failed} stops the wait when the consumer failed.
   * The clock starts at {@code warmUp} of {@code total} (a fresh process compiles its hot code first).
   */
  static Metered rate(KafkaConnection kafka, String label, Map<String, String> inputs, long total, double warmUp,
      Map<String, LongSupplier> cpuNanos, BooleanSupplier failed, Consumer<String> progress) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    try (Admin admin = Admin.create(kafka.properties())) {
      long startedAt = System.nanoTime();
      List<String> parts = List.copyOf(cpuNanos.keySet());
      long[] startedCpu = cpu(cpuNanos, parts);
      List<long[]> steady = new ArrayList<>(); // {nanoTime, committed}
      List<long[]> steadyCpu = new ArrayList<>();
      long lastReport = System.nanoTime();
      while (System.nanoTime() < deadline) {
        if (failed.getAsBoolean()) {
          throw new IllegalStateException(label + " failed");
        }
        long committed = 0;
        for (Map.Entry<String, String> input : inputs.entrySet()) {
          committed += committedOn(admin, input.getKey(), input.getValue());
        }
        long now = System.nanoTime();
        if (committed >= warmUp * total && committed <= STEADY_END_FRACTION * total) {
          steady.add(new long[] {now, committed});
          steadyCpu.add(cpu(cpuNanos, parts));
        }
        boolean steadyCovered = steady.size() >= 10
            && steady.get(steady.size() - 1)[1] - steady.get(0)[1] >= (STEADY_END_FRACTION - warmUp) * total / 3;
        if (committed > STEADY_END_FRACTION * total && steadyCovered) {
          long records = steady.get(steady.size() - 1)[1] - steady.get(0)[1];
          return new Metered(slopePerSecond(steady),
              perRecord(parts, steadyCpu.get(0), steadyCpu.get(steadyCpu.size() - 1), records));
        }
        if (committed >= total) {
          // A run too short for the commits to show a steady state (--quick): the whole run, start-up included.
          return new Metered(total / ((now - startedAt) / 1e9),
              perRecord(parts, startedCpu, cpu(cpuNanos, parts), total));
        }
        if (now - lastReport > 5e9) {
          progress.accept(String.format(Locale.ROOT, "%s: %d/%d committed", label, committed, total));
          lastReport = now;
        }
        Thread.sleep(20);
      }
      throw new IllegalStateException(label + " did not commit all " + total + " records within 10 minutes");
    }
  }

  private static long[] cpu(Map<String, LongSupplier> cpuNanos, List<String> parts) {
    return parts.stream().mapToLong(part -> cpuNanos.get(part).getAsLong()).toArray();
  }

  private static Map<String, Double> perRecord(List<String> parts, long[] from, long[] to, long records) {
    Map<String, Double> micros = new java.util.LinkedHashMap<>();
    for (int i = 0; i < parts.size(); i++) {
      micros.put(parts.get(i), (to[i] - from[i]) / 1e3 / records);
    }
    return micros;
  }

  /** Least-squares slope of committed offsets ({@code [1]}) over nanoTime ({@code [0]}), per second. */
  static double slopePerSecond(List<long[]> samples) {
    double meanT = 0;
    double meanC = 0;
    long t0 = samples.get(0)[0];
    for (long[] sample : samples) {
      meanT += (sample[0] - t0) / 1e9 / samples.size();
      meanC += (double) sample[1] / samples.size();
    }
    double covariance = 0;
    double variance = 0;
    for (long[] sample : samples) {
      double t = (sample[0] - t0) / 1e9 - meanT;
      covariance += t * (sample[1] - meanC);
      variance += t * t;
    }
    return covariance / variance;
  }

  /** Interactions per second of the latency phases: well under either topology's capacity. */
  static final int LATENCY_RATE = 1_000;

  /** Up to {@code n} interaction values from the topic, to be produced again with fresh timestamps. */
  static List<byte[]> sampleValues(KafkaConnection kafka, String topic, int n) {
    List<byte[]> values = new java.util.ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = TopicIO.consumer(kafka, null)) {
      List<TopicPartition> partitions = TopicIO.partitions(consumer, topic);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (values.size() < n && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(record -> values.add(record.value()));
      }
    }
    return values.subList(0, Math.min(n, values.size()));
  }

  /**
   * Produces {@code samples} again at {@link #LATENCY_RATE} per second for {@code seconds}, each with its send time
   * as timestamp (the topologies forward the input timestamp to their output), and returns, for every output record
   * of those inputs, the seconds from send to visibility under read_committed.
   */
  static List<Double> latency(KafkaConnection kafka, String input, String output, List<byte[]> samples,
      int seconds, Consumer<String> progress) throws Exception {
    List<Double> latencies = new java.util.ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = TopicIO.consumer(kafka, null);
        KafkaProducer<byte[], byte[]> producer = TopicIO.producer(kafka)) {
      List<TopicPartition> partitions = TopicIO.partitions(consumer, output);
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position);
      long phaseStart = System.currentTimeMillis();
      long startNanos = System.nanoTime();
      int total = LATENCY_RATE * seconds;
      int sent = 0;
      long drainUntil = Long.MAX_VALUE;
      while (System.nanoTime() < drainUntil) {
        long due = Math.min(total, (System.nanoTime() - startNanos) * LATENCY_RATE / 1_000_000_000L);
        for (; sent < due; sent++) {
          producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(input, null,
              System.currentTimeMillis(), null, samples.get(sent % samples.size())));
        }
        if (sent == total && drainUntil == Long.MAX_VALUE) {
          producer.flush();
          drainUntil = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        }
        for (var record : consumer.poll(Duration.ofMillis(5))) {
          if (record.timestamp() >= phaseStart) {
            latencies.add((System.currentTimeMillis() - record.timestamp()) / 1e3);
          }
        }
        if (latencies.size() >= total) {
          break;
        }
      }
    }
    progress.accept(String.format(Locale.ROOT, "%s: latency p50 %.0f ms, p99 %.0f ms (%d records)",
        output, 1000 * Stats.percentile(latencies, 50), 1000 * Stats.percentile(latencies, 99), latencies.size()));
    return latencies;
  }

  static void awaitCommitted(KafkaConnection kafka, String group, String input, long end)
      throws Exception {
    try (Admin admin = Admin.create(kafka.properties())) {
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (System.nanoTime() < deadline) {
        if (committedOn(admin, group, input) >= end) {
          return;
        }
        Thread.sleep(20);
      }
      throw new IllegalStateException(group + " did not catch up to " + end + " within 5 minutes");
    }
  }

  /** The committed offsets on the input's partitions only: a group may commit other topics' too. */
  private static long committedOn(Admin admin, String group, String input) throws Exception {
    return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
        .filter(e -> e.getKey().topic().equals(input)).mapToLong(e -> e.getValue().offset()).sum();
  }

  static long endOffsets(KafkaConnection kafka, String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer = TopicIO.consumer(kafka, null)) {
      List<TopicPartition> partitions = TopicIO.partitions(consumer, topic);
      return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private StreamsAppMeter() {}
}
