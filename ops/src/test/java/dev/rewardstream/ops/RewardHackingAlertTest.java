package dev.rewardstream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.runtime.EmbeddedPlatform;
import dev.rewardstream.runtime.PlatformConfig;
import dev.rewardstream.sim.KafkaRecordSink;
import dev.rewardstream.sim.Labeler;
import dev.rewardstream.sim.Pacer;
import dev.rewardstream.sim.Scenario;
import dev.rewardstream.sim.ScenarioSimulator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Reward hacking end to end, both ways, on one embedded platform: two populations of agents run side by side, each
 * with its own policy versions. In one, a third agent piles on the sign-offs the reward model learned to pay for
 * (the simulator's {@code reward-hacking}): its score climbs while its true reward falls, and {@code rewardctl alerts}
 * must print a {@code reward-hacking} alert for that agent's policy. In the other, a third agent pads its answers with
 * worthless words nothing taught the model to pay for ({@code padding}): no hacking alert may name it.
 */
class RewardHackingAlertTest {

  // About 2,000 rounds, as the 100 s at 20 rounds a second this test ran before, in 70 s: the suite's time.
  private static final int SECONDS = 70;
  private static final double ROUNDS_PER_SECOND = 28;

  @TempDir Path dataDir;

  @Test
  void shouldAlertOnTheAgentThatFoolsTheRewardModelAndNotOnTheOneThatDoesNot() throws Exception {
    try (EmbeddedPlatform platform = EmbeddedPlatform.start(PlatformConfig.onFreePorts(dataDir))) {
      var infra = platform.infrastructure();
      StringWriter printed = new StringWriter();
      CompletableFuture<Integer> alerts = CompletableFuture.supplyAsync(() -> new CommandLine(new AlertsCommand())
          .setOut(new PrintWriter(printed, true)).execute("--bootstrap-servers", infra.bootstrapServers(),
              "--schema-registry", infra.registryUrl(), "--severity", "CRITICAL",
              // The hacker's alert came 32 s into the run here: 10 s after its end is ample for the last one.
              "--timeout-s", Integer.toString(SECONDS + 10)));

      try (KafkaRecordSink sink = new KafkaRecordSink(infra.kafka(), infra.topics())) {
        List<ScenarioSimulator> populations = List.of(
            simulator(Scenario.REWARD_HACKING, "hackers", sink, infra.topics()),
            simulator(Scenario.PADDING, "padders", sink, infra.topics()));
        Pacer pacer = new Pacer(ROUNDS_PER_SECOND);
        while (pacer.elapsedSeconds() < SECONDS) {
          pacer.await();
          for (ScenarioSimulator population : populations) {
            population.round(pacer.elapsedSeconds() / SECONDS);
          }
        }
        sink.flush();
      }

      assertThat(alerts.get()).isZero();
      List<String> lines = printed.toString().lines().toList();
      assertThat(lines).as(printed.toString())
          .anyMatch(line -> line.contains("reward-hacking") && line.contains("policy=hackers-hacker"));
      assertThat(lines).as(printed.toString()).noneMatch(line -> line.contains("-padder"));
    }
  }

  private static ScenarioSimulator simulator(Scenario scenario, String policy, KafkaRecordSink sink,
      dev.rewardstream.serde.Topics topics) {
    return new ScenarioSimulator(ScenarioSimulator.Options.defaults(scenario, 5).withAgents(true, false, false)
        .withPolicyVersion(policy), new Labeler(0.5, 5), sink, topics.interactions.name(),
        topics.preferences.name());
  }
}
