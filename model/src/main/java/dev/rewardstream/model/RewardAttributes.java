package dev.rewardstream.model;

import dev.rewardstream.schema.AttributeWeight;
import dev.rewardstream.schema.ModelUpdate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The attributes a reward model has one head for, in the order of the artifact's outputs, and the weight of each in
 * the served reward (Σ weight × head reward). {@link #SINGLE} is the model without attributes: one head that learns
 * from every label, whatever attribute the label names, and serves its reward as it is.
 *
 * <p>Labels that name no attribute judge the head called {@value #OVERALL}; a model with attributes but without that
 * head refuses them, as it refuses labels of attributes it has no head for, so no label trains a head it does not judge.
 */
public record RewardAttributes(List<String> names, List<Double> weights) {

  /** The head that labels naming no attribute train. */
  public static final String OVERALL = "overall";

  public static final RewardAttributes SINGLE = new RewardAttributes(List.of(), List.of());

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  /** What {@link #isValidName} accepts, for the errors that refuse a name. */
  public static final String NAME_RULE = "1-64 letters, digits, '_', '.' or '-'";

  public RewardAttributes {
    names = List.copyOf(names);
    weights = List.copyOf(weights);
    if (names.size() != weights.size()) {
      throw new IllegalArgumentException(names.size() + " attribute names and " + weights.size() + " weights");
    }
    Set<String> seen = new HashSet<>();
    for (int h = 0; h < names.size(); h++) {
      String name = names.get(h);
      if (!isValidName(name)) {
        throw new IllegalArgumentException("attribute name '" + name + "' is not " + NAME_RULE);
      }
      if (!seen.add(name)) {
        throw new IllegalArgumentException("attribute '" + name + "' is named twice");
      }
      if (!Double.isFinite(weights.get(h))) {
        throw new IllegalArgumentException("attribute '" + name + "' has weight " + weights.get(h));
      }
    }
  }

  /** Whether {@code name} can name an attribute ({@link #NAME_RULE}). */
  public static boolean isValidName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /**
   * From {@code name=weight,name=weight} (a name alone weighs 1), as {@code --attributes} takes it; empty or null: the
   * single-head model.
   */
  public static RewardAttributes parse(String text) {
    if (text == null || text.isBlank()) {
      return SINGLE;
    }
    List<String> names = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    for (String part : text.split(",")) {
      String item = part.strip();
      int eq = item.indexOf('=');
      names.add(eq < 0 ? item : item.substring(0, eq).strip());
      if (eq < 0) {
        weights.add(1.0);
        continue;
      }
      try {
        weights.add(Double.parseDouble(item.substring(eq + 1).strip()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("attribute weight '" + item.substring(eq + 1) + "' in '" + item
            + "' is not a number");
      }
    }
    return new RewardAttributes(names, weights);
  }

  /** The heads a published version has ({@link ModelUpdate#getAttributes}). */
  public static RewardAttributes of(ModelUpdate update) {
    List<String> names = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    for (AttributeWeight attribute : update.getAttributes()) {
      names.add(attribute.getName());
      weights.add(attribute.getWeight());
    }
    return new RewardAttributes(names, weights);
  }

  /** For the model-update event. */
  public List<AttributeWeight> toAvro() {
    List<AttributeWeight> out = new ArrayList<>(names.size());
    for (int h = 0; h < names.size(); h++) {
      out.add(new AttributeWeight(names.get(h), weights.get(h)));
    }
    return out;
  }

  public boolean named() {
    return !names.isEmpty();
  }

  /** Outputs of the network per ensemble member: one per attribute, or the single head. */
  public int heads() {
    return Math.max(1, names.size());
  }

  public double weight(int head) {
    return named() ? weights.get(head) : 1.0;
  }

  /**
   * The head a label of {@code attribute} (null: none named) trains, or -1 when this model has no head for it. The
   * single-head model takes every label.
   */
  public int headOf(String attribute) {
    if (!named()) {
      return 0;
    }
    return names.indexOf(attribute == null ? OVERALL : attribute);
  }

  /** Why a label of {@code attribute} has no head here: for its dead letter. */
  public String refusal(String attribute) {
    return (attribute == null ? "the label names no attribute (the '" + OVERALL + "' head)"
        : "attribute '" + attribute + "'") + " is not one of this model's heads " + names
        + "; start the trainer with it in --attributes to learn it";
  }

  /** "helpful=0.7,concise=0.3", as {@link #parse} reads it; empty for the single head. */
  public String describe() {
    StringBuilder out = new StringBuilder();
    for (int h = 0; h < names.size(); h++) {
      out.append(h == 0 ? "" : ",").append(names.get(h)).append('=').append(weights.get(h));
    }
    return out.toString();
  }
}
