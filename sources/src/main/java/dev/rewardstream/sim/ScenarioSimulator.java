package dev.rewardstream.sim;

import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.LabelSource;
import dev.rewardstream.schema.Preference;
import dev.rewardstream.schema.PreferenceOutcome;
import dev.rewardstream.schema.PreferenceSide;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Simulated agents and labelers for one {@link Scenario}. Each {@link #round(double)} produces a text pair (a prompt
 * answered twice) and/or a control pair (two episodes compared on a trajectory segment), and a preference on each.
 *
 * <p>Ground truth rides along where the featurizer never looks: interaction metadata {@code sim.true_reward} (the
 * step's or answer's true reward under the world in force) and preference metadata {@code sim.p_a} (the labeler's
 * true P(A ≻ B)) and {@code sim.bayes_optimal}. The featurizer reads only prompt, response, state and action.
 *
 * <p>Labelling delay is counted in rounds, so it is exact and reproducible: a positive delay publishes each
 * preference that many rounds after its interactions; a negative one publishes the interactions that many rounds
 * after their preference (the join must wait for them).
 */
public final class ScenarioSimulator {

  public static final String TRUE_REWARD = "sim.true_reward";
  public static final String P_A = "sim.p_a";
  public static final String BAYES_OPTIMAL = "sim.bayes_optimal";
  /** The third agent of {@link Scenario#REWARD_HACKING} and of {@link Scenario#PADDING}. */
  public static final String HACKER = "text-agent-hacker";
  public static final String PADDER = "text-agent-padder";
  /** Share of content words the honest agents of the hacking scenarios draw among the words of positive value. */
  private static final double HONEST_SKILL = 0.3;
  /**
   * Share of the third agent's answers that are labelled against an honest one: a policy's outputs are many and
   * labels few, which is what gives an exploit time to pay before the labels correct the model.
   */
  private static final double EXPLOIT_LABEL_SHARE = 0.1;

  /**
   * @param text produce text-agent pairs
   * @param control produce control-agent episode pairs
   * @param sparseReward control episodes carry their return as env_reward on the last step only (else every step)
   * @param segmentLength steps per compared trajectory segment
   * @param labelDelayRounds see the class comment
   * @param malformedShare in BURSTS_AND_MALFORMED, chance per round of one garbage record
   * @param vocabulary words of the text world
   * @param heldOutShare share of text pairs whose label is kept here ({@link #heldOutPairs}) instead of published:
   *     fresh labelled pairs to measure the live model on
   */
  public record Options(Scenario scenario, boolean text, boolean control, boolean sparseReward, int episodeLength,
      int segmentLength, int labelDelayRounds, LabelSource source, double malformedShare, int vocabulary,
      double heldOutShare, long seed, String policyVersion) {

    public static final String DEFAULT_POLICY_VERSION = "policy-1";

    public static Options defaults(Scenario scenario, long seed) {
      return new Options(scenario, true, true, false, 20, 5, 0, LabelSource.SYNTHETIC, 0.05, 300, 0, seed,
          DEFAULT_POLICY_VERSION);
    }

    /** The policy version every simulated agent publishes as (the drift monitor's scope). */
    public Options withPolicyVersion(String version) {
      return new Options(scenario, text, control, sparseReward, episodeLength, segmentLength, labelDelayRounds, source,
          malformedShare, vocabulary, heldOutShare, seed, version);
    }

    public Options withDelay(int rounds) {
      return new Options(scenario, text, control, sparseReward, episodeLength, segmentLength, rounds, source,
          malformedShare, vocabulary, heldOutShare, seed, policyVersion);
    }

    public Options withAgents(boolean text, boolean control, boolean sparseReward) {
      return new Options(scenario, text, control, sparseReward, episodeLength, segmentLength, labelDelayRounds, source,
          malformedShare, vocabulary, heldOutShare, seed, policyVersion);
    }

    public Options withVocabulary(int words) {
      return new Options(scenario, text, control, sparseReward, episodeLength, segmentLength, labelDelayRounds, source,
          malformedShare, words, heldOutShare, seed, policyVersion);
    }

    public Options withHeldOut(double share) {
      return new Options(scenario, text, control, sparseReward, episodeLength, segmentLength, labelDelayRounds, source,
          malformedShare, vocabulary, share, seed, policyVersion);
    }
  }

  /** A text pair whose label was published, as the labeler saw it. */
  public record LabelledAnswers(String prompt, String a, String b, boolean prefersA) {}

  private record Pending(long dueRound, Runnable send) {}

  private final Options options;
  private final TextWorld world;
  private final TextWorld driftedWorld;
  private final ControlWorld control;
  private final ControlWorld driftedControl;
  private final Labeler labeler;
  private final RecordSink sink;
  private final String interactionsTopic;
  private final String preferencesTopic;
  private final Random random;
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private final String runId;
  private long round;
  private long interactions;
  private long preferences;
  private long malformed;
  private final Map<String, LiveAccuracy.HeldOutPair> heldOut = new ConcurrentHashMap<>();
  private Consumer<LabelledAnswers> labelListener = pair -> { };
  private volatile Instant firstPreferenceAt;

  public ScenarioSimulator(Options options, Labeler labeler, RecordSink sink, String interactionsTopic,
      String preferencesTopic) {
    this.options = options;
    this.world = new TextWorld(options.seed(), options.vocabulary());
    this.driftedWorld = world.withHiddenValues(options.seed() + 1);
    this.control = new ControlWorld(options.seed());
    this.driftedControl = control.withReversedGoal();
    this.labeler = labeler;
    this.sink = sink;
    this.interactionsTopic = interactionsTopic;
    this.preferencesTopic = preferencesTopic;
    this.random = new Random(options.seed() * 31 + 7);
    this.runId = options.scenario().cliName() + "-" + Long.toString(System.currentTimeMillis(), 36);
  }

  /** Rate multiplier at a point of the run: bursts are 10× for one second in every ten. */
  public double rateMultiplier(double elapsedSeconds) {
    return options.scenario() == Scenario.BURSTS_AND_MALFORMED && (long) elapsedSeconds % 10 == 9 ? 10 : 1;
  }

  /** One round at {@code progress} ∈ [0, 1] of the run. */
  public void round(double progress) {
    round++;
    boolean drifted = progress >= Scenario.DRIFT_POINT;
    Scenario scenario = options.scenario();
    if (options.text() && (scenario == Scenario.REWARD_HACKING || scenario == Scenario.PADDING)) {
      exploitRound(progress, scenario == Scenario.REWARD_HACKING);
    } else if (options.text()) {
      textRound(drifted && scenario == Scenario.PREFERENCE_DRIFT ? driftedWorld : world,
          drifted && scenario == Scenario.POLICY_DRIFT ? 0.9 : 0.5, progress);
    }
    if (options.control()) {
      controlRound(drifted && scenario == Scenario.PREFERENCE_DRIFT ? driftedControl : control,
          drifted && scenario == Scenario.POLICY_DRIFT ? 1.0 : 0.0);
    }
    if (scenario == Scenario.BURSTS_AND_MALFORMED && random.nextDouble() < options.malformedShare()) {
      garbage();
    }
    release(false);
  }

  /** Sends everything still held back by the labelling delay (end of a run). */
  public void drain() {
    release(true);
  }

  private void textRound(TextWorld judge, double upperShare, double progress) {
    String prompt = world.prompt();
    answerPair(prompt, world.response(0, upperShare), world.response(0, upperShare), judge, progress);
  }

  /**
   * Two honest, skilled agents answer and are compared, as in every round; a third agent, under a policy version of
   * its own, answers the same prompt, flattering ({@code hacking}) or padding more and more as the run goes, and a
   * tenth of its answers are compared with the first agent's.
   */
  private void exploitRound(double progress, boolean hacking) {
    String prompt = world.prompt();
    String a = world.skilledResponse(HONEST_SKILL, 0, 0);
    String b = world.skilledResponse(HONEST_SKILL, 0, 0);
    Interaction ia = answerPair(prompt, a, b, world, progress);
    String exploit = hacking ? world.skilledResponse(HONEST_SKILL, (int) Math.round(progress * 12), 0)
        : world.skilledResponse(HONEST_SKILL, 0, (int) Math.round(progress * 30));
    String agent = hacking ? HACKER : PADDER;
    Interaction ie = textInteraction(runId + "-t" + round + "-x", agent, exploiterPolicy(), prompt, exploit,
        world.trueReward(exploit), phase(progress));
    if (random.nextDouble() >= EXPLOIT_LABEL_SHARE) {
      sendInteraction(ie);
      return;
    }
    Preference preference = preference(runId + "-t" + round + "-x-pref", side(ia.getInteractionId(), null),
        side(ie.getInteractionId(), null), world.trueReward(a), world.trueReward(exploit));
    labelListener.accept(new LabelledAnswers(prompt, a, exploit, preference.getOutcome() == PreferenceOutcome.A));
    schedule(List.of(ie), preference);
  }

  /**
   * The policy version the control agents publish as: a controller is another policy than the text agents, and one
   * scope mixing answers' and steps' rewards would watch the mixture, not either policy.
   */
  public String controlPolicy() {
    return options.policyVersion() + "-control";
  }

  /** The policy version of the third agent of the hacking scenarios: a scope of its own for the drift monitor. */
  public String exploiterPolicy() {
    return options.policyVersion() + "-" + (options.scenario() == Scenario.REWARD_HACKING ? "hacker" : "padder");
  }

  private Map<String, String> phase(double progress) {
    return Map.of("sim.scenario", options.scenario().cliName(), "sim.progress", String.format("%.4f", progress));
  }

  /** Publishes a text pair answered by agents 1 and 2 and its label (or holds the label out); returns a's interaction. */
  private Interaction answerPair(String prompt, String a, String b, TextWorld judge, double progress) {
    String id = runId + "-t" + round;
    Interaction ia = textInteraction(id + "-a", "text-agent-1", options.policyVersion(), prompt, a,
        judge.trueReward(a), phase(progress));
    Interaction ib = textInteraction(id + "-b", "text-agent-2", options.policyVersion(), prompt, b,
        judge.trueReward(b), phase(progress));
    Preference preference = preference(id + "-pref", side(ia.getInteractionId(), null),
        side(ib.getInteractionId(), null), judge.trueReward(a), judge.trueReward(b));
    boolean prefersA = preference.getOutcome() == PreferenceOutcome.A;
    // Drawn only when pairs are held out, so that every other run's stream stays what it was.
    if (options.heldOutShare() > 0 && random.nextDouble() < options.heldOutShare()) {
      sendInteraction(ia);
      sendInteraction(ib);
      heldOut.put(ia.getInteractionId(), new LiveAccuracy.HeldOutPair(ia.getInteractionId(), ib.getInteractionId(),
          judge.trueReward(a), judge.trueReward(b), prefersA));
      return ia;
    }
    labelListener.accept(new LabelledAnswers(prompt, a, b, prefersA));
    schedule(List.of(ia, ib), preference);
    return ia;
  }

  private void controlRound(ControlWorld judge, double bias) {
    String id = runId + "-c" + round;
    List<Interaction> steps = new ArrayList<>();
    List<List<String>> segments = new ArrayList<>();
    double[] segmentReturns = new double[2];
    int length = options.episodeLength();
    int segment = Math.min(options.segmentLength(), length);
    int from = random.nextInt(length - segment + 1);
    for (int side = 0; side < 2; side++) {
      String episode = id + (side == 0 ? "-a" : "-b");
      double skill = side == 0 ? 0.3 : 0.6;
      List<ControlWorld.Step> episodeSteps = control.episode(length, skill, bias, judge);
      double episodeReturn = episodeSteps.stream().mapToDouble(ControlWorld.Step::trueReward).sum();
      List<String> segmentIds = new ArrayList<>();
      for (int t = 0; t < length; t++) {
        ControlWorld.Step step = episodeSteps.get(t);
        boolean done = t == length - 1;
        Double envReward = options.sparseReward() ? (done ? Double.valueOf(episodeReturn) : null)
            : Double.valueOf(step.trueReward());
        Interaction interaction = Interaction.newBuilder()
            .setInteractionId(episode + "-" + t).setEpisodeId(episode).setStep(t)
            .setAgentId("control-agent-" + (side == 0 ? "steady" : "shaky")).setPolicyVersion(controlPolicy())
            .setEnvironment("sim-control").setEventTime(Instant.now())
            .setState(boxed(step.state())).setAction(boxed(step.action()))
            .setEnvReward(envReward).setDone(done)
            .setMetadata(Map.of(TRUE_REWARD, Double.toString(step.trueReward()),
                "sim.scenario", options.scenario().cliName()))
            .build();
        steps.add(interaction);
        if (t >= from && t < from + segment) {
          segmentIds.add(interaction.getInteractionId());
          segmentReturns[side] += step.trueReward();
        }
      }
      segments.add(segmentIds);
    }
    Preference preference = preference(id + "-pref", side(null, segments.get(0)), side(null, segments.get(1)),
        segmentReturns[0], segmentReturns[1]);
    schedule(steps, preference);
  }

  private static List<Float> boxed(float[] values) {
    List<Float> list = new ArrayList<>(values.length);
    for (float v : values) {
      list.add(v);
    }
    return list;
  }

  private Interaction textInteraction(String id, String agent, String policyVersion, String prompt, String response,
      double trueReward, Map<String, String> phase) {
    Map<String, String> metadata = new java.util.HashMap<>(phase);
    metadata.put(TRUE_REWARD, Double.toString(trueReward));
    return Interaction.newBuilder().setInteractionId(id).setAgentId(agent).setPolicyVersion(policyVersion)
        .setEnvironment("sim-text").setEventTime(Instant.now()).setPrompt(prompt).setResponse(response)
        .setMetadata(metadata).build();
  }

  private static PreferenceSide side(String interactionId, List<String> segment) {
    return PreferenceSide.newBuilder().setInteractionId(interactionId).setSegment(segment).build();
  }

  private Preference preference(String id, PreferenceSide a, PreferenceSide b, double rewardA, double rewardB) {
    PreferenceOutcome outcome = labeler.label(rewardA, rewardB);
    return Preference.newBuilder().setPreferenceId(id).setEventTime(Instant.now()).setA(a).setB(b)
        .setOutcome(outcome).setSource(options.source()).setAnnotator("bradley-terry-labeler")
        .setMetadata(Map.of(P_A, Double.toString(labeler.probabilityAPreferred(rewardA, rewardB)),
            BAYES_OPTIMAL, Double.toString(labeler.bayesOptimalAccuracy(rewardA, rewardB))))
        .build();
  }

  private void schedule(List<Interaction> interactionsOfPair, Preference preference) {
    Runnable sendInteractions = () -> interactionsOfPair.forEach(this::sendInteraction);
    Runnable sendPreference = () -> {
      sink.preference(preference);
      preferences++;
      if (firstPreferenceAt == null) {
        firstPreferenceAt = Instant.now();
      }
    };
    int delay = options.labelDelayRounds();
    if (delay >= 0) {
      sendInteractions.run();
      pending.add(new Pending(round + delay, sendPreference));
    } else {
      sendPreference.run();
      pending.add(new Pending(round - delay, sendInteractions));
    }
  }

  private void sendInteraction(Interaction interaction) {
    sink.interaction(interaction);
    interactions++;
  }

  private void release(boolean all) {
    while (!pending.isEmpty() && (all || pending.peek().dueRound() <= round)) {
      pending.poll().send().run();
    }
  }

  /** Bytes no stage can decode: not Avro, unknown schema id, or empty. */
  private void garbage() {
    byte[] value = switch (random.nextInt(3)) {
      case 0 -> "{\"interaction_id\": \"not-avro\"}".getBytes(StandardCharsets.UTF_8);
      case 1 -> new byte[] {0, 0x7f, 0x7f, 0x7f, 0x7f, 1, 2, 3};
      default -> new byte[0];
    };
    String topic = random.nextBoolean() ? interactionsTopic : preferencesTopic;
    sink.raw(topic, ("garbage-" + round).getBytes(StandardCharsets.UTF_8), value);
    malformed++;
  }

  public long interactionsSent() {
    return interactions;
  }

  public long preferencesSent() {
    return preferences;
  }

  public long malformedSent() {
    return malformed;
  }

  /** The text pairs held out so far, by the first answer's interaction id. */
  public Map<String, LiveAccuracy.HeldOutPair> heldOutPairs() {
    return heldOut;
  }

  /** Told of every text pair whose label is published (or due, under a labelling delay), in order. */
  public ScenarioSimulator onLabelled(Consumer<LabelledAnswers> listener) {
    this.labelListener = listener;
    return this;
  }

  /** When the first preference was handed to the sink; null before. */
  public Instant firstPreferenceAt() {
    return firstPreferenceAt;
  }

  public Labeler labeler() {
    return labeler;
  }

  /** The text world agents answer in (before any preference drift). */
  public TextWorld textWorld() {
    return world;
  }
}
