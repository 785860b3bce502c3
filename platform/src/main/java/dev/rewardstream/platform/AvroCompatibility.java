package dev.rewardstream.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaParseException;

/** The registry's compatibility rules for Avro: which levels it knows and what a candidate schema must read. */
final class AvroCompatibility {

  static final String DEFAULT_LEVEL = "BACKWARD";
  static final Set<String> LEVELS = Set.of("NONE", "BACKWARD", "BACKWARD_TRANSITIVE");

  private AvroCompatibility() {}

  /**
   * Why {@code candidate} may not follow a subject's versions: under BACKWARD it must read data written with the
   * version asked about (the latest, when registering); under BACKWARD_TRANSITIVE with every version; NONE checks
   * nothing.
   *
   * @param everyVersionId the schema id of each of the subject's versions
   * @param askedId the schema id of the version asked about
   * @return one line per schema the candidate cannot read; empty when compatible
   */
  static List<String> problems(String level, List<Integer> everyVersionId, int askedId, IntFunction<Schema> schemaOfId,
      Schema candidate) {
    if (level.equals("NONE") || everyVersionId.isEmpty()) {
      return List.of();
    }
    List<Integer> against = level.equals("BACKWARD_TRANSITIVE") ? everyVersionId : List.of(askedId);
    List<String> problems = new ArrayList<>();
    for (int id : against) {
      SchemaCompatibility.SchemaPairCompatibility result =
          SchemaCompatibility.checkReaderWriterCompatibility(candidate, schemaOfId.apply(id));
      if (result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
        problems.add("cannot read schema id " + id + ": " + result.getResult().getIncompatibilities());
      }
    }
    return problems;
  }

  static Schema parse(String text) {
    try {
      return new Schema.Parser().parse(text);
    } catch (SchemaParseException | NullPointerException e) {
      throw new RegistryError(42201, "Invalid schema: " + e.getMessage());
    }
  }
}
