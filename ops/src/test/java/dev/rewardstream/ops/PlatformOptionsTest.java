package dev.rewardstream.ops;

import dev.rewardstream.runtime.PlatformConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewardstream.jobs.EnvironmentSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class PlatformOptionsTest {

  @Test
  void shouldGiveTheEmbeddedFeatureJobTheEnvironmentsNamedOnUp() {
    UpCommand up = new UpCommand();
    new CommandLine(up).parseArgs("--environments", "cartpole=4:1,reacher=11:2", "--environments", "walker=17:6");

    assertThat(up.options.toConfig().environments()).isEqualTo(Map.of("cartpole", new EnvironmentSpec(4, 1),
        "reacher", new EnvironmentSpec(11, 2), "walker", new EnvironmentSpec(17, 6)));
    assertThat(PlatformConfig.defaults(up.options.dataDir).environments()).isEmpty();
  }

  @Test
  void shouldRefuseASpecWithoutBothSizes() {
    UpCommand up = new UpCommand();
    new CommandLine(up).parseArgs("--environments", "cartpole=4");

    assertThatThrownBy(() -> up.options.toConfig()).hasMessageContaining("stateDim:actionDim, got 4");
  }
}
