package dev.rewardstream.jobs;

import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.LabelSource;
import dev.rewardstream.schema.Preference;
import dev.rewardstream.schema.PreferenceOutcome;
import dev.rewardstream.schema.PreferenceSide;
import java.time.Instant;
import java.util.List;

/** Named instants and record factories shared by the feature-job tests. */
abstract class JobTestBase {

  static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

  static Interaction interaction(String id, String prompt, String response) {
    return Interaction.newBuilder().setInteractionId(id).setAgentId("agent-1").setPolicyVersion("policy-1")
        .setEventTime(T0).setPrompt(prompt).setResponse(response).build();
  }

  static Preference preference(String id, String a, String b, PreferenceOutcome outcome) {
    return Preference.newBuilder().setPreferenceId(id).setEventTime(T0.plusSeconds(1))
        .setA(PreferenceSide.newBuilder().setInteractionId(a).build())
        .setB(PreferenceSide.newBuilder().setInteractionId(b).build())
        .setOutcome(outcome).setSource(LabelSource.HUMAN).setConfidence(0.9f).build();
  }

  static Preference segmentPreference(String id, List<String> a, List<String> b, PreferenceOutcome outcome) {
    return Preference.newBuilder().setPreferenceId(id).setEventTime(T0.plusSeconds(1))
        .setA(PreferenceSide.newBuilder().setSegment(a).build())
        .setB(PreferenceSide.newBuilder().setSegment(b).build())
        .setOutcome(outcome).setSource(LabelSource.AI).build();
  }
}
