package dev.rewardstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.runtime.EmbeddedPlatform;
import dev.rewardstream.runtime.PlatformConfig;
import dev.rewardstream.schema.AlertStatus;
import dev.rewardstream.schema.DriftAlert;
import dev.rewardstream.schema.Severity;
import dev.rewardstream.serde.TopicIO;
import dev.rewardstream.sim.KafkaRecordSink;
import dev.rewardstream.sim.Labeler;
import dev.rewardstream.sim.Pacer;
import dev.rewardstream.sim.Scenario;
import dev.rewardstream.sim.ScenarioSimulator;
import dev.rewardstream.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The live validation dashboard in a real browser (Debian's chromium and chromedriver, headless) while the simulator
 * runs the preference-drift scenario against the embedded platform, and a second simulated population hacks the
 * reward model: the charts
 * fill, a drift alert the monitor raises shows on the page within 5 s of reaching the topic, and the page keeps
 * updating. The changed preferences raise {@code label-agreement} on policy-1 and show on the page as the accuracy
 * against labels falling; the second population's hacker ({@code policy-2-hacker}) is what the monitor catches most
 * surely in the time a test can give it ({@code reward-hacking}, and its moving scores). Leaves a screenshot in
 * {@code target/}; with {@code -Drewardstream.screenshot=PATH} also at PATH (how {@code docs/dashboard.png} is made).
 */
class DashboardBrowserTest {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  /** The simulated run: the labelers' preferences change half-way, at 50 s; the hacker flatters more until then. */
  private static final double RUN_SECONDS = 100;

  @TempDir Path dir;

  @Test
  void shouldChartTheRunShowTheDriftAlertAndKeepUpdating() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "skipped: needs Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver); "
            + ".ci/run installs them with apt-get where it can");
    try (EmbeddedPlatform platform = EmbeddedPlatform.start(PlatformConfig.onFreePorts(dir.resolve("data")))) {
      var infra = platform.infrastructure();
      AtomicBoolean simulating = new AtomicBoolean(true);
      Thread simulator = new Thread(() -> simulate(platform, simulating), "preference-drift");
      simulator.start();
      WebDriver browser = browser();
      try {
        browser.get(platform.dashboardUrl().orElseThrow());

        Await.until("accuracy and version charts with data", Duration.ofSeconds(90),
            () -> List.of(points(browser, "chart-accuracy"), points(browser, "chart-versions"),
                points(browser, "chart-rewards")), counts -> counts.stream().allMatch(n -> n > 0));

        DriftAlert raised = awaitRaisedDriftAlert(infra.bootstrapServers(), infra.topics());
        long seenOnTopic = System.nanoTime();
        Await.until("the " + raised.getDetector() + " alert on " + raised.getScope() + " on the page",
            Duration.ofSeconds(5), () -> browser.findElement(By.id("alert-rows")).getText(),
            rows -> rows.lines().anyMatch(row -> row.contains("RAISED") && row.contains(raised.getDetector())
                && row.contains(raised.getScope())));
        assertThat(Duration.ofNanos(System.nanoTime() - seenOnTopic)).isLessThanOrEqualTo(Duration.ofSeconds(5));

        String updates = browser.findElement(By.tagName("body")).getDomAttribute("data-updates");
        String updatedAt = browser.findElement(By.id("updated-at")).getText();
        Await.until("the page updating again", Duration.ofSeconds(5),
            () -> browser.findElement(By.tagName("body")).getDomAttribute("data-updates"),
            now -> Integer.parseInt(now) >= Integer.parseInt(updates) + 2);
        assertThat(browser.findElement(By.id("updated-at")).getText()).isNotEqualTo(updatedAt);
        assertThat(browser.findElement(By.id("live-version")).getText()).startsWith("v");

        screenshot(browser);
      } finally {
        browser.quit();
        simulating.set(false);
        simulator.join(10_000);
      }
    }
  }

  private static WebDriver browser() {
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
        .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1800");
    // The driver is named outright, so Selenium Manager never looks for (or downloads) one.
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
        .build();
    return new ChromeDriver(service, options);
  }

  private static int points(WebDriver browser, String chart) {
    String points = browser.findElement(By.id(chart)).getDomAttribute("data-points");
    return points == null ? 0 : Integer.parseInt(points);
  }

  /**
   * The preference-drift scenario as policy-1 and the reward-hacking scenario as policy-2, 20 rounds a second each,
   * until told to stop.
   */
  private static void simulate(EmbeddedPlatform platform, AtomicBoolean running) {
    var infra = platform.infrastructure();
    try (KafkaRecordSink sink = new KafkaRecordSink(infra.kafka(), infra.topics())) {
      ScenarioSimulator preferences = new ScenarioSimulator(
          ScenarioSimulator.Options.defaults(Scenario.PREFERENCE_DRIFT, 5).withAgents(true, false, false),
          new Labeler(0.3, 5), sink, infra.topics().interactions.name(), infra.topics().preferences.name());
      ScenarioSimulator policy = new ScenarioSimulator(
          ScenarioSimulator.Options.defaults(Scenario.REWARD_HACKING, 6).withAgents(true, false, false)
              .withPolicyVersion("policy-2"),
          new Labeler(0.3, 6), sink, infra.topics().interactions.name(), infra.topics().preferences.name());
      Pacer pacer = new Pacer(20);
      while (running.get()) {
        pacer.await();
        double progress = Math.min(1, pacer.elapsedSeconds() / RUN_SECONDS);
        preferences.round(progress);
        policy.round(progress);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The first alert a drift detector raises (not the scorer's informational rescore summaries). */
  private static DriftAlert awaitRaisedDriftAlert(String bootstrapServers, dev.rewardstream.serde.Topics topics) {
    try (KafkaConsumer<byte[], byte[]> consumer = TopicIO.consumer(bootstrapServers, null)) {
      List<TopicPartition> partitions = TopicIO.partitions(consumer, topics.driftAlerts.name());
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          DriftAlert alert = topics.driftAlerts.decode(record.value());
          if (alert.getStatus() == AlertStatus.RAISED && alert.getSeverity() != Severity.INFO) {
            return alert;
          }
        }
      }
    }
    throw new AssertionError("no drift alert raised within 150 s of preference drift");
  }

  private static void screenshot(WebDriver browser) throws Exception {
    Path shot = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
    Path target = Path.of("target", "dashboard.png");
    Files.createDirectories(target.getParent());
    Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
    String docs = System.getProperty("rewardstream.screenshot");
    if (docs != null) {
      Files.copy(shot, Path.of(docs), StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
