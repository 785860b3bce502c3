package dev.rewardstream.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.schema.Score;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

class ScoreBodyWriterTest {

  private static final double[] EDGE_NUMBERS = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY, Double.MIN_VALUE, -Double.MAX_VALUE, 1e-300};
  private static final String[] STRINGS = {"", "a", "interaction-0001", "\u00e9t\u00e9 \u4e2d\u6587 \ud83d\ude00",
      "x".repeat(300)};

  /** Fails when Score.avsc gains, loses or reorders a field until ScoreBodyWriter writes it the same way. */
  @Test
  void shouldWriteExactlyTheBytesOfAvrosGenericWriter() throws IOException {
    SpecificDatumWriter<Score> generic = new SpecificDatumWriter<>(Score.getClassSchema());
    ScoreBodyWriter handWritten = new ScoreBodyWriter();
    SplittableRandom random = new SplittableRandom(11);
    for (int sample = 0; sample < 5_000; sample++) {
      Score score = randomScore(random);
      assertThat(body(handWritten, score)).as("Score #%d: %s", sample, score).isEqualTo(body(generic::write, score));
    }
  }

  /** Equality by the generic writer's bytes, since a NaN field makes two equal records unequal. */
  @Test
  void shouldRoundTripThroughTheConfluentSerde() throws IOException {
    ConfluentAvroSerde<Score> serde = new ConfluentAvroSerde<>(Score.class, new InMemorySchemaRegistry(), 1 << 20,
        new ScoreBodyWriter());
    SpecificDatumWriter<Score> generic = new SpecificDatumWriter<>(Score.getClassSchema());
    SplittableRandom random = new SplittableRandom(12);
    for (int sample = 0; sample < 500; sample++) {
      Score score = randomScore(random);
      Score decoded = serde.decode("scores", serde.encode("scores", score));
      // A map is decoded into a map of its own order: compare both in key order.
      decoded.setAttributeRewards(new java.util.TreeMap<>(decoded.getAttributeRewards()));
      score.setAttributeRewards(new java.util.TreeMap<>(score.getAttributeRewards()));
      assertThat(body(generic::write, decoded)).as("Score #%d: %s", sample, score)
          .isEqualTo(body(generic::write, score));
    }
  }

  private static byte[] body(AvroBodyWriter<Score> writer, Score score) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    writer.write(score, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static Score randomScore(SplittableRandom random) {
    Score score = new Score();
    score.setInteractionId(pick(random, STRINGS));
    score.setAgentId(pick(random, STRINGS));
    score.setPolicyVersion(pick(random, STRINGS));
    score.setModelName(pick(random, STRINGS));
    score.setModelVersion(random.nextBoolean() ? random.nextLong() : random.nextInt(100));
    score.setRawReward(number(random));
    score.setNormalizedReward(number(random));
    score.setUncertainty(number(random));
    score.setPessimisticReward(random.nextInt(3) == 0 ? null : number(random));
    score.setOptimisticReward(random.nextInt(3) == 0 ? null : number(random));
    score.setEpisodeId(random.nextInt(3) == 0 ? null : pick(random, STRINGS));
    score.setDiscountedReturn(random.nextInt(3) == 0 ? null : number(random));
    score.setRescore(random.nextBoolean());
    score.setResponseLength(random.nextBoolean() ? -1 : random.nextInt());
    if (random.nextInt(4) == 0) {
      score.setInputSketch(null);
    } else {
      List<Float> sketch = new ArrayList<>();
      for (int i = random.nextInt(7); i > 0; i--) {
        sketch.add((float) number(random));
      }
      score.setInputSketch(sketch);
    }
    java.util.Map<String, Double> attributes = new java.util.LinkedHashMap<>();
    for (int i = random.nextInt(4); i > 0; i--) {
      attributes.put(pick(random, STRINGS), number(random));
    }
    score.setAttributeRewards(attributes);
    List<Double> prefixRewards = new ArrayList<>();
    for (int i = random.nextInt(3) == 0 ? random.nextInt(6) : 0; i > 0; i--) {
      prefixRewards.add(number(random));
    }
    score.setPrefixRewards(prefixRewards);
    score.setFirstBadStep(random.nextBoolean() ? null : random.nextInt(-1, 40));
    score.setEventTime(Instant.ofEpochMilli(random.nextLong(-10_000_000_000_000L, 10_000_000_000_000L)));
    score.setScoredAt(Instant.ofEpochMilli(random.nextLong(0, 4_000_000_000_000L)));
    return score;
  }

  private static double number(SplittableRandom random) {
    return random.nextInt(5) == 0 ? EDGE_NUMBERS[random.nextInt(EDGE_NUMBERS.length)]
        : random.nextGaussian() * Math.pow(10, random.nextInt(-3, 6));
  }

  private static String pick(SplittableRandom random, String[] values) {
    return values[random.nextInt(values.length)];
  }
}
