package dev.rewardstream.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

/**
 * Every topic's current schema must read data written with the last released schema (Confluent BACKWARD), so
 * consumers can upgrade before producers. The released schemas live in {@code schemas/released/<release>/};
 * cutting a release copies {@code src/main/avro} there.
 */
class SchemaEvolutionTest {

  private static final Path CURRENT = Path.of("src/main/avro");
  private static final Path RELEASED = Path.of("released");

  @Test
  void shouldReadEveryReleasedSchemaWithTheCurrentOne() throws IOException {
    Path lastRelease = lastRelease();
    Map<String, Schema> released = parseAll(lastRelease);
    Map<String, Schema> current = parseAll(CURRENT);

    assertThat(released).isNotEmpty();
    for (Map.Entry<String, Schema> old : released.entrySet()) {
      assertThat(current).as("released type %s was removed", old.getKey()).containsKey(old.getKey());
      SchemaCompatibility.SchemaPairCompatibility result =
          SchemaCompatibility.checkReaderWriterCompatibility(current.get(old.getKey()), old.getValue());
      assertThat(result.getType())
          .as("%s is not backward compatible with %s: %s", old.getKey(), lastRelease, result.getDescription())
          .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }
  }

  @Test
  void shouldRejectARequiredFieldAddedWithoutDefault() throws IOException {
    Schema released = parseAll(lastRelease()).get("dev.rewardstream.schema.Score");
    String withNewRequiredField =
        released.toString().replace("\"fields\":[", "\"fields\":[{\"name\":\"added\",\"type\":\"string\"},");
    Schema incompatible = new Schema.Parser().parse(withNewRequiredField);

    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(incompatible, released).getType())
        .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
  }

  @Test
  void shouldGenerateClassesWhoseSchemasMatchTheContracts() throws IOException {
    Map<String, Schema> current = parseAll(CURRENT);
    for (Schema generated : List.of(Interaction.getClassSchema(), Preference.getClassSchema(),
        TrainingExample.getClassSchema(), Score.getClassSchema(), ModelUpdate.getClassSchema(),
        DriftAlert.getClassSchema(), DeadLetter.getClassSchema())) {
      assertThat(SchemaNormalization.toParsingForm(generated))
          .isEqualTo(SchemaNormalization.toParsingForm(current.get(generated.getFullName())));
    }
  }

  private static Path lastRelease() throws IOException {
    try (Stream<Path> releases = Files.list(RELEASED)) {
      return releases.filter(Files::isDirectory).max(Path::compareTo).orElseThrow();
    }
  }

  /** Parses a directory of .avsc files; shared named types (SparseFeatures, LabelSource) first. */
  static Map<String, Schema> parseAll(Path dir) throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.filter(p -> p.toString().endsWith(".avsc")).forEach(files::add);
    }
    files.sort((x, y) -> Boolean.compare(!isShared(x), !isShared(y)));
    Schema.Parser parser = new Schema.Parser();
    Map<String, Schema> byName = new TreeMap<>();
    for (Path file : files) {
      Schema schema = parser.parse(file.toFile());
      byName.put(schema.getFullName(), schema);
    }
    return byName;
  }

  private static boolean isShared(Path file) {
    String name = file.getFileName().toString();
    return name.equals("SparseFeatures.avsc") || name.equals("LabelSource.avsc");
  }
}
