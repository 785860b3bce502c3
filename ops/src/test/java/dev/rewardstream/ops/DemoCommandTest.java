package dev.rewardstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.platform.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rewardctl demo} as a user runs it: it reports what the live model has learned after N labels next to what
 * the learner bench learns from the same labels, and the two agree: the pipeline loses no label efficiency. It runs
 * secured ({@code --secure}): the demo's agents produce as the producer principal over SASL_SSL, and what is learned
 * is what the unsecured platform learns.
 */
class DemoCommandTest {

  private static final Pattern LEARNING = Pattern.compile("learning: after ([\\d,]+) labels the scorer's v(\\d+) "
      + "orders ([\\d.]+)% of 1,000 fresh pairs by the true reward; the learner bench on the same labels: ([\\d.]+)%");

  @TempDir Path dir;

  @Test
  void shouldLearnFromItsLabelsWhatTheLearnerBenchLearnsFromTheSame() throws Exception {
    // Given a secured demo of 20 seconds at 20 answer pairs a second
    RewardCtlProcess demo = RewardCtlProcess.start(dir.resolve("run"), "demo", "--secure", "--data-dir",
        dir.resolve("data").toString(), "--kafka-port", String.valueOf(FreePorts.next()), "--controller-port",
        String.valueOf(FreePorts.next()), "--registry-port", "0", "--scorer-http-port", "0", "--metrics-port", "0", "--flink-metrics-port", "0", "--rate", "20", "--duration-s", "20");

    // When it ends
    assertThat(demo.waitFor(Duration.ofSeconds(180))).as(demo.console()).isZero();

    // Then its last report says what the served version learned from about 300 labels, and the learner bench,
    // given the same labels, learned as much within the noise of 1,000 fresh pairs and a publish interval's lag
    List<Matcher> reports = demo.console().lines().map(LEARNING::matcher).filter(Matcher::find).toList();
    assertThat(reports).as(demo.console()).isNotEmpty();
    Matcher last = reports.get(reports.size() - 1);
    int labels = Integer.parseInt(last.group(1).replace(",", ""));
    double served = Double.parseDouble(last.group(3)) / 100;
    double bench = Double.parseDouble(last.group(4)) / 100;
    assertThat(labels).isBetween(250, 360);
    assertThat(Long.parseLong(last.group(2))).as("versions served").isGreaterThan(5);
    assertThat(bench).as("the learner bench learned the world").isGreaterThan(0.6);
    assertThat(served).as(last.group()).isCloseTo(bench, org.assertj.core.data.Offset.offset(0.05));
  }
}
