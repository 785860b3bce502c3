package dev.rewardstream.bench;

import dev.rewardstream.model.FeatureSpec;
import dev.rewardstream.model.FeatureVector;
import dev.rewardstream.model.Featurizer;
import dev.rewardstream.replay.HhRlhfRecords;
import dev.rewardstream.replay.JsonRecords;
import dev.rewardstream.replay.Replayer;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.TrainingExample;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** HH-RLHF pairs featurized as the replay path would send them: the chosen answer as side A, preferred. */
final class HhRlhfPairs {

  /**
   * The trainer's example, chosen − rejected as a sparse vector (for learners outside the trainer), and the two final
   * responses' token counts (for the "shorter wins" baseline).
   */
  record Pair(TrainingExample example, SparseVector difference, int chosenTokens, int rejectedTokens) {}

  private HhRlhfPairs() {}

  /** The first {@code max} pairs of the file. */
  static List<Pair> read(Path data, FeatureSpec spec, int max) throws IOException {
    Featurizer featurizer = new Featurizer(spec);
    List<Pair> pairs = new ArrayList<>();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(Replayer.open(data),
        StandardCharsets.UTF_8))) {
      long lineNumber = 0;
      for (String line = reader.readLine(); line != null && pairs.size() < max; line = reader.readLine()) {
        lineNumber++;
        if (line.isBlank()) {
          continue;
        }
        HhRlhfRecords.Pair pair;
        try {
          pair = HhRlhfRecords.pair(JsonRecords.parse(line));
        } catch (JsonRecords.MalformedLineException e) {
          throw new IOException(data + " line " + lineNumber + ": " + e.getMessage());
        }
        HhRlhfRecords.Records records = HhRlhfRecords.records(pair, "hh", lineNumber, Instant.EPOCH);
        Interaction chosen = records.interactions().get(0);
        Interaction rejected = records.interactions().get(1);
        FeatureVector a = featurizer.featurizeVector(chosen);
        FeatureVector b = featurizer.featurizeVector(rejected);
        pairs.add(new Pair(Examples.pairwise(spec, records.preference().getPreferenceId().toString(), a.toAvro(),
            b.toAvro(), 1f), SparseVector.difference(SparseVector.of(a.indices(), a.values()),
            SparseVector.of(b.indices(), b.values())), Featurizer.tokens(chosen.getResponse()).size(),
            Featurizer.tokens(rejected.getResponse()).size()));
      }
    }
    return pairs;
  }
}
