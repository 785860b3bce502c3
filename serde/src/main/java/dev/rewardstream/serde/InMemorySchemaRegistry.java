package dev.rewardstream.serde;

import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * A registry held in this process: ids are assigned like the real one's (one global id per distinct schema), but
 * nothing is shared or kept. For topology tests under {@code TopologyTestDriver} and offline tools, like Confluent's
 * {@code mock://} scope.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {

  private final Map<Integer, Schema> byId = new HashMap<>();
  private final Map<Schema, Integer> idOf = new HashMap<>();

  @Override
  public synchronized int register(String subject, Schema schema) {
    return idOf.computeIfAbsent(schema, s -> {
      int id = byId.size() + 1;
      byId.put(id, s);
      return id;
    });
  }

  @Override
  public synchronized Schema schemaById(int id) {
    Schema schema = byId.get(id);
    if (schema == null) {
      throw new UnknownSchemaException(id, null);
    }
    return schema;
  }

  /** In this process: it always answers. */
  @Override
  public boolean answers() {
    return true;
  }
}
