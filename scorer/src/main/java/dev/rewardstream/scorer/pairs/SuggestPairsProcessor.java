package dev.rewardstream.scorer.pairs;

import dev.rewardstream.model.FeatureVector;
import dev.rewardstream.model.ResponseSteps;
import dev.rewardstream.model.Featurizer;
import dev.rewardstream.model.LoadedModel;
import dev.rewardstream.model.PairInformation;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.PairSuggestion;
import dev.rewardstream.scorer.ModelHolder;
import dev.rewardstream.serde.Topics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps each prompt's latest outputs and, when a new one arrives, finds among them the partner whose pair with it
 * the live version is least sure about in a way a label would settle (the largest expected information gain); that
 * pair is suggested if it clears the configured minimum. One suggestion at most per new output, so the topic grows
 * with the outputs, not with their square. For a model with attribute heads, every head is asked, and the suggestion
 * names the attribute whose label would teach most.
 */
final class SuggestPairsProcessor implements Processor<String, byte[], String, PairSuggestion> {

  private final PairSuggestionConfig config;
  private final Topics topics;
  private final ModelHolder models;
  private final Featurizer featurizer;
  private final ResponseSteps steps;
  private ProcessorContext<String, PairSuggestion> context;
  private KeyValueStore<String, byte[]> recent;

  SuggestPairsProcessor(PairSuggestionConfig config, Topics topics, ModelHolder models) {
    this.config = config;
    this.topics = topics;
    this.models = models;
    this.featurizer = new Featurizer(config.featureSpec());
    this.steps = config.featureSpec().steps();
  }

  @Override
  public void init(ProcessorContext<String, PairSuggestion> context) {
    this.context = context;
    this.recent = context.getStateStore(PairSuggestionTopology.CANDIDATES_STORE);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    Interaction arrived = topics.interactions.decode(record.value());
    List<byte[]> kept = decode(recent.get(record.key()));
    Optional<LoadedModel> model = models.live();
    if (model.isPresent() && !kept.isEmpty()) {
      suggest(record, arrived, kept, model.get());
    }
    kept.add(record.value());
    while (kept.size() > config.candidatesPerPrompt()) {
      kept.remove(0);
    }
    recent.put(record.key(), encode(kept));
  }

  private void suggest(Record<String, byte[]> record, Interaction arrived, List<byte[]> kept, LoadedModel model) {
    List<FeatureVector> arrivedFeatures = featurizer.featurizeSteps(arrived, steps);
    Interaction best = null;
    LoadedModel.AttributedInformation bestAttributed = null;
    for (byte[] value : kept) {
      Interaction candidate = topics.interactions.decode(value);
      if (candidate.getInteractionId().equals(arrived.getInteractionId())
          || candidate.getResponse().equals(arrived.getResponse())) {
        continue;
      }
      LoadedModel.AttributedInformation attributed =
          model.mostInformative(featurizer.featurizeSteps(candidate, steps), arrivedFeatures);
      if (bestAttributed == null
          || attributed.information().information() > bestAttributed.information().information()) {
        best = candidate;
        bestAttributed = attributed;
      }
    }
    if (best == null || bestAttributed.information().information() < config.minInformation()) {
      return;
    }
    PairInformation bestInformation = bestAttributed.information();
    PairSuggestion suggestion = PairSuggestion.newBuilder()
        .setSuggestionId(best.getInteractionId() + "~" + arrived.getInteractionId())
        .setPromptKey(record.key())
        .setPrompt(arrived.getPrompt())
        .setAInteractionId(best.getInteractionId())
        .setBInteractionId(arrived.getInteractionId())
        .setAResponse(best.getResponse())
        .setBResponse(arrived.getResponse())
        .setModelName(model.update().getModelName())
        .setModelVersion(model.version())
        .setPA(bestInformation.probabilityA())
        .setMarginStd(bestInformation.marginStd())
        .setInformation(bestInformation.information())
        .setCreatedAt(Instant.ofEpochMilli(context.currentSystemTimeMs()))
        .setAttribute(bestAttributed.attribute())
        .build();
    context.forward(new Record<>(record.key(), suggestion, record.timestamp()));
  }

  private static List<byte[]> decode(byte[] stored) {
    List<byte[]> values = new ArrayList<>();
    if (stored == null) {
      return values;
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(stored))) {
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        byte[] value = new byte[in.readInt()];
        in.readFully(value);
        values.add(value);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt recent-outputs entry", e);
    }
    return values;
  }

  private static byte[] encode(List<byte[]> values) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(buffer)) {
      out.writeInt(values.size());
      for (byte[] value : values) {
        out.writeInt(value.length);
        out.write(value);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buffer.toByteArray();
  }
}
