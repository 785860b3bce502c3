package dev.rewardstream.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rewardstream.schema.LabelSource;
import dev.rewardstream.trainer.LearnerOptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LearnerCliOptionsTest {

  @Test
  void shouldKeepTheDefaultsWhenNothingIsGiven() {
    assertThat(parse(new TrainerCommand()).learner.toOptions()).isEqualTo(LearnerOptions.defaults());
  }

  @Test
  void shouldSetTheNetworkAndPerSourceWeightsOfTheTrainer() {
    TrainerCommand trainer = parse(new TrainerCommand(), "--hidden", "32", "--members", "3", "--learning-rate",
        "0.005", "--source-weight", "AI=0.5", "--source-weight", "SYNTHETIC=0");

    LearnerOptions options = trainer.learner.toOptions();

    assertThat(options.hidden()).isEqualTo(32);
    assertThat(options.members()).isEqualTo(3);
    assertThat(options.learningRate()).isEqualTo(0.005f);
    assertThat(options.sourceWeight(LabelSource.AI)).isEqualTo(0.5);
    assertThat(options.sourceWeight(LabelSource.SYNTHETIC)).isEqualTo(0.0);
    assertThat(options.sourceWeight(LabelSource.HUMAN)).isEqualTo(1.0);
  }

  @Test
  void shouldReachThePlatformsTrainer() {
    UpCommand up = parse(new UpCommand(), "--hidden", "16", "--source-weight", "HUMAN=2");

    assertThat(up.options.toConfig().learner().hidden()).isEqualTo(16);
    assertThat(up.options.toConfig().learner().sourceWeight(LabelSource.HUMAN)).isEqualTo(2.0);
  }

  @Test
  void shouldRefuseWeightsAndSizesThatCannotTrain() {
    assertThatThrownBy(() -> parse(new TrainerCommand(), "--source-weight", "AI=-1").learner.toOptions())
        .hasMessageContaining("--source-weight AI");
    assertThatThrownBy(() -> parse(new TrainerCommand(), "--members", "0").learner.toOptions())
        .hasMessageContaining("--members");
    assertThatThrownBy(() -> parse(new TrainerCommand(), "--source-weight", "ROBOT=1"))
        .isInstanceOf(CommandLine.ParameterException.class);
  }

  private static <T> T parse(T command, String... args) {
    new CommandLine(command).parseArgs(args);
    return command;
  }
}
