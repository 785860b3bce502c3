package dev.rewardstream.scorer;

import dev.rewardstream.model.Ensemble;
import dev.rewardstream.model.FeatureVector;
import dev.rewardstream.model.Featurizer;
import dev.rewardstream.model.InteractionValidator;
import dev.rewardstream.model.LoadedModel;
import dev.rewardstream.model.ResponseSteps;
import dev.rewardstream.model.PairInformation;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.RecordRejectedException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Scores responses to one prompt synchronously, with the same validation and featurizer the topology applies to
 * interactions, so a candidate ranked here gets the score it would get on the {@code scores} topic. All candidates of a
 * request go through one {@link LoadedModel#score} call: one forward pass instead of N.
 */
public final class CandidateScorer {

  /**
   * One response's score, as the {@code scores} topic carries it: the ensemble's mean (raw and normalized), its std,
   * the pessimistic (mean − k·std) and optimistic (mean + k·std) rewards, each attribute head's reward (empty for
   * a single-head model), and for a response made of steps each prefix's reward and the first bad step (empty and
   * null otherwise); {@code index} is its position in the request.
   */
  public record Scored(int index, String response, float rawReward, double normalizedReward, float std,
      double pessimisticReward, double optimisticReward, Map<String, Double> attributeRewards,
      List<Double> prefixRewards, Integer firstBadStep) {

    public double value(RankBy by) {
      return by.of(rawReward, pessimisticReward, optimisticReward);
    }
  }

  /** Scores of one request, all by {@code model}'s version. */
  public record Result(String modelName, long modelVersion, List<Scored> scores) {

    /** Best first by the ensemble mean. */
    public List<Scored> ranked() {
      return ranked(RankBy.MEAN);
    }

    /**
     * Best first by {@code by}: pessimistic ranking lets a best-of-N pass over candidates the model is unsure of.
     * Equal values keep the request's order, so the ranking is deterministic.
     */
    public List<Scored> ranked(RankBy by) {
      return scores.stream()
          .sorted(Comparator.comparingDouble((Scored s) -> -s.value(by)).thenComparingInt(Scored::index))
          .toList();
    }
  }

  private final Featurizer featurizer;
  private final InteractionValidator validator;
  private final int maxCandidates;
  private final ResponseSteps steps;
  private final double badStepThreshold;

  public CandidateScorer(Featurizer featurizer, InteractionValidator validator, int maxCandidates) {
    this(featurizer, validator, maxCandidates, ScorerConfig.DEFAULT_BAD_STEP_THRESHOLD);
  }

  /** Responses are cut into steps as the featurizer's spec says; {@code badStepThreshold} as the scorer's. */
  public CandidateScorer(Featurizer featurizer, InteractionValidator validator, int maxCandidates,
      double badStepThreshold) {
    this.featurizer = featurizer;
    this.validator = validator;
    this.maxCandidates = maxCandidates;
    this.steps = featurizer.spec().steps();
    this.badStepThreshold = badStepThreshold;
  }

  public int maxCandidates() {
    return maxCandidates;
  }

  /**
   * @throws RecordRejectedException naming the offending candidate, when there are none, too many, or one fails the
   *     interaction rules (over-long text)
   */
  public Result score(LoadedModel model, String prompt, List<String> responses) {
    return score(model, prompt, responses, ScorerConfig.DEFAULT_UNCERTAINTY_PENALTY);
  }

  /** As {@link #score(LoadedModel, String, List)}, with {@code k} the pessimism of the pessimistic reward. */
  public Result score(LoadedModel model, String prompt, List<String> responses, double k) {
    if (!(k >= 0) || !Double.isFinite(k)) {
      throw new RecordRejectedException("k must be a finite number ≥ 0, got " + k);
    }
    List<Interaction> candidates = candidates(prompt, responses);
    LoadedModel.Scored result = steps.enabled()
        ? model.scoreOutputs(candidates.stream().map(c -> featurizer.featurizeSteps(c, steps)).toList())
        : model.scoreWithAttributes(candidates.stream().map(featurizer::featurizeVector).toList());
    Ensemble rewards = result.rewards();
    List<Scored> scored = new ArrayList<>(responses.size());
    for (int i = 0; i < responses.size(); i++) {
      float mean = rewards.mean()[i];
      float std = rewards.std()[i];
      scored.add(new Scored(i, responses.get(i), mean, model.normalize(mean), std, mean - k * std, mean + k * std,
          result.attributeRewards(i), result.prefixRewards(i), result.firstBadStep(i, badStepThreshold)));
    }
    return new Result(model.update().getModelName(), model.version(), scored);
  }

  /**
   * A pair of candidates, what a label on it would teach the model, and the attribute that label should judge (null
   * for a model without attribute heads).
   */
  public record SuggestedPair(int a, int b, PairInformation information, String attribute) {}

  /**
   * The {@code top} pairs of candidates whose preference label would teach {@code model} most, most informative first
   * (every pair of the candidates is considered; ties keep the candidates' order). With {@code attribute} null, each
   * pair is judged for the attribute whose head it would teach most; else for that attribute's head.
   */
  public List<SuggestedPair> suggestPairs(LoadedModel model, String prompt, List<String> responses, int top,
      String attribute) {
    if (attribute != null && model.attributes().headOf(attribute) < 0) {
      throw new RecordRejectedException(model.attributes().refusal(attribute));
    }
    List<List<FeatureVector>> features = candidates(prompt, responses).stream()
        .map(c -> featurizer.featurizeSteps(c, steps)).toList();
    if (responses.size() < 2) {
      throw new RecordRejectedException("candidates needs at least two entries to make a pair");
    }
    LoadedModel.Outputs outputs = model.prepare(features);
    List<SuggestedPair> pairs = new ArrayList<>();
    for (int a = 0; a < features.size(); a++) {
      for (int b = a + 1; b < features.size(); b++) {
        LoadedModel.AttributedInformation judged = attribute == null
            ? outputs.mostInformative(a, b)
            : outputs.informationFor(a, b, attribute);
        pairs.add(new SuggestedPair(a, b, judged.information(), judged.attribute()));
      }
    }
    pairs.sort(java.util.Comparator.comparingDouble((SuggestedPair p) -> p.information().information()).reversed());
    return List.copyOf(pairs.subList(0, Math.min(top, pairs.size())));
  }

  private List<Interaction> candidates(String prompt, List<String> responses) {
    if (responses.isEmpty()) {
      throw new RecordRejectedException("candidates is empty");
    }
    if (responses.size() > maxCandidates) {
      throw new RecordRejectedException(
          "candidates has " + responses.size() + " entries, the limit is " + maxCandidates);
    }
    List<Interaction> candidates = new ArrayList<>(responses.size());
    for (int i = 0; i < responses.size(); i++) {
      String response = responses.get(i);
      if (response == null) {
        throw new RecordRejectedException("candidates[" + i + "] is not a string");
      }
      // Validated as the interaction it would be on the topic: one place holds the text limits.
      Interaction asInteraction = Interaction.newBuilder()
          .setInteractionId("http-" + i).setAgentId("http").setPolicyVersion("http").setEventTime(Instant.now())
          .setPrompt(prompt).setResponse(response).build();
      try {
        validator.validate(asInteraction);
      } catch (RecordRejectedException e) {
        throw new RecordRejectedException("candidates[" + i + "]: " + e.getMessage());
      }
      candidates.add(asInteraction);
    }
    return candidates;
  }
}
