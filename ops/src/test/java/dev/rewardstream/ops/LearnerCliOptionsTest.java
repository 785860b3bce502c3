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
  void shouldSetTheMembersOfTheOnlineLearner() {
    LearnerOptions options = parse(new TrainerCommand(), "--members", "6").learner.toOptions();

    assertThat(options.algorithm()).isEqualTo(LearnerOptions.Algorithm.ONLINE_LINEAR);
    assertThat(options.members()).isEqualTo(6);
  }

  @Test
  void shouldSetTheNetworkAndPerSourceWeightsOfTheTrainer() {
    TrainerCommand trainer = parse(new TrainerCommand(), "--learner", "network", "--hidden", "24", "--members", "5",
        "--learning-rate", "0.02", "--source-weight", "AI=0.5", "--source-weight", "SYNTHETIC=0");

    LearnerOptions options = trainer.learner.toOptions();

    assertThat(options.algorithm()).isEqualTo(LearnerOptions.Algorithm.NETWORK);
    assertThat(options.hidden()).isEqualTo(24);
    assertThat(options.members()).isEqualTo(5);
    assertThat(options.learningRate()).isEqualTo(0.02f);
    assertThat(options.sourceWeight(LabelSource.AI)).isEqualTo(0.5);
    assertThat(options.sourceWeight(LabelSource.SYNTHETIC)).isEqualTo(0.0);
    assertThat(options.sourceWeight(LabelSource.HUMAN)).isEqualTo(1.0);
  }

  @Test
  void shouldReachThePlatformsTrainer() {
    UpCommand up = parse(new UpCommand(), "--learner", "network", "--hidden", "16", "--source-weight", "HUMAN=2");

    assertThat(up.options.toConfig().learner().algorithm()).isEqualTo(LearnerOptions.Algorithm.NETWORK);
    assertThat(up.options.toConfig().learner().hidden()).isEqualTo(16);
    assertThat(up.options.toConfig().learner().sourceWeight(LabelSource.HUMAN)).isEqualTo(2.0);
  }

  @Test
  void shouldGiveThePlatformsTrainerOneHeadPerAttribute() {
    UpCommand up = parse(new UpCommand(), "--attributes", "helpfulness=0.7,conciseness=0.3");

    assertThat(up.options.toConfig().learner().attributes().names()).containsExactly("helpfulness", "conciseness");
    assertThat(up.options.toConfig().learner().attributes().weights()).containsExactly(0.7, 0.3);
    assertThatThrownBy(() -> parse(new TrainerCommand(), "--learner", "network", "--attributes", "a,b").learner
        .toOptions()).hasMessageContaining("--attributes needs --learner online-linear");
  }

  @Test
  void shouldRefuseWeightsAndSizesThatCannotTrain() {
    assertThatThrownBy(() -> parse(new TrainerCommand(), "--source-weight", "AI=-1").learner.toOptions())
        .hasMessageContaining("--source-weight AI");
    assertThatThrownBy(() -> parse(new TrainerCommand(), "--members", "0").learner.toOptions())
        .hasMessageContaining("--members");
    assertThatThrownBy(() -> parse(new TrainerCommand(), "--source-weight", "ROBOT=1"))
        .isInstanceOf(CommandLine.ParameterException.class);
    assertThatThrownBy(() -> parse(new TrainerCommand(), "--hidden", "16").learner.toOptions())
        .hasMessageContaining("--hidden applies to --learner network only");
    assertThatThrownBy(() -> parse(new TrainerCommand(), "--learner", "xgboost").learner.toOptions())
        .hasMessageContaining("unknown learner 'xgboost'");
  }

  private static <T> T parse(T command, String... args) {
    new CommandLine(command).parseArgs(args);
    return command;
  }
}
