package dev.rewardstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.schema.TrainingExample;
import dev.rewardstream.serde.KafkaConnection;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingScheduleTest {

  private static final FeatureSpec SPEC = new FeatureSpec(12, false);

  @Test
  void shouldLearnEveryExampleAndValidateOnTheScoresMadeBeforeLearningIt() {
    TrainerConfig config = TrainerConfig.defaults(KafkaConnection.plaintext("unused:0"), Path.of("unused")).withLearner(LearnerOptions.defaults());
    List<TrainingExample> examples = new SyntheticPreferences(SPEC, 3).pairs("e-", 100);
    TrainingSchedule schedule = new TrainingSchedule(config, new ReplayBuffer(64, 64, 1));
    try (RewardLearner learner = RewardLearner.create(SPEC, config.learner())) {
      examples.forEach(schedule::accept);
      double[][] beforeAnyLearning = SideRewards.of(examples.subList(0, 32), learner::score);

      schedule.train(learner, true);

      TrainingSchedule.Validation validation = schedule.validation(learner);
      assertThat(schedule.examplesTrained()).isEqualTo(100);
      assertThat(validation.examples()).containsExactlyElementsOf(examples);
      assertThat(validation.candidateRewards()[0]).as("the first batch was scored by the untrained model")
          .containsExactly(beforeAnyLearning[0]);
      double[][] afterLearning = SideRewards.of(examples, learner::score);
      assertThat(Evaluation.of(examples, validation.candidateRewards()).pairwiseAccuracy())
          .as("progressive accuracy is below what the model shows on examples it has learned")
          .isLessThan(Evaluation.of(examples, afterLearning).pairwiseAccuracy());
    }
  }

  /** The live version learned everything before its publish: only what came after can compare it with a candidate. */
  @Test
  void shouldGateOnlyOnExamplesLearnedSinceTheLastPublish() {
    TrainerConfig config = TrainerConfig.defaults(KafkaConnection.plaintext("unused:0"), Path.of("unused"));
    List<TrainingExample> examples = new SyntheticPreferences(SPEC, 5).pairs("g-", 150);
    TrainingSchedule schedule = new TrainingSchedule(config, new ReplayBuffer(64, 64, 1));
    try (RewardLearner learner = RewardLearner.create(SPEC, config.learner())) {
      examples.subList(0, 100).forEach(schedule::accept);
      schedule.train(learner, true);
      schedule.published();
      examples.subList(100, 150).forEach(schedule::accept);
      schedule.train(learner, true);

      TrainingSchedule.Validation validation = schedule.validation(learner);
      assertThat(validation.examples()).hasSize(150);
      assertThat(validation.gateExamples()).containsExactlyElementsOf(examples.subList(100, 150));
      assertThat(validation.gateCandidateRewards().length).isEqualTo(50);
    }
  }

  /** A refused candidate's window is spent: the next candidate is judged on what was learned after the refusal. */
  @Test
  void shouldJudgeTheNextCandidateOnlyOnExamplesLearnedSinceARefusal() {
    TrainerConfig config = TrainerConfig.defaults(KafkaConnection.plaintext("unused:0"), Path.of("unused"));
    List<TrainingExample> examples = new SyntheticPreferences(SPEC, 6).pairs("r-", 200);
    TrainingSchedule schedule = new TrainingSchedule(config, new ReplayBuffer(64, 64, 1));
    try (RewardLearner learner = RewardLearner.create(SPEC, config.learner())) {
      examples.subList(0, 100).forEach(schedule::accept);
      schedule.train(learner, true);
      schedule.published();
      examples.subList(100, 150).forEach(schedule::accept);
      schedule.train(learner, true);
      schedule.refused();
      examples.subList(150, 200).forEach(schedule::accept);
      schedule.train(learner, true);

      TrainingSchedule.Validation validation = schedule.validation(learner);
      assertThat(validation.gateExamples()).containsExactlyElementsOf(examples.subList(150, 200));
    }
  }

  @Test
  void shouldNeverLearnTheHoldoutShareWhenOneIsConfigured() {
    TrainerConfig defaults = TrainerConfig.defaults(KafkaConnection.plaintext("unused:0"), Path.of("unused"));
    TrainerConfig withHoldout = new TrainerConfig(defaults.kafka(), defaults.modelName(),
        defaults.artifactDir(), SPEC, defaults.learner(), 32, 200, defaults.publishInterval(), 10, 500, 0.02, 64);
    List<TrainingExample> examples = new SyntheticPreferences(SPEC, 4).pairs("h-", 400);
    TrainingSchedule schedule = new TrainingSchedule(withHoldout, new ReplayBuffer(64, 64, 1));
    try (RewardLearner learner = RewardLearner.create(SPEC, withHoldout.learner())) {
      long heldOut = examples.stream().filter(schedule::accept).count();
      schedule.train(learner, true);

      assertThat(heldOut).isBetween(20L, 60L);
      assertThat(schedule.examplesTrained()).isEqualTo(400 - heldOut);
      assertThat(schedule.validation(learner).examples()).hasSize((int) heldOut)
          .allMatch(e -> TrainerService.isHoldout(e.getExampleId(), 10));
    }
  }
}
