package dev.rewardstream.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rewardstream.schema.Interaction;
import dev.rewardstream.schema.Preference;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * The project's JSONL log format: one JSON object per line, {@code "type"} is {@code "interaction"} or
 * {@code "preference"}, every other key is an Avro field of that record under its schema name (snake_case). Optional
 * fields may be left out and take their schema default; unions are written as the plain value or null (not Avro's
 * {@code {"string": ...}} wrapping); timestamps are epoch milliseconds or ISO-8601 strings. Unknown keys are an error,
 * so a typo never turns into a silently missing value.
 */
public final class JsonRecords {

  /** A line that cannot become a record; the message is the reason written to the rejects file. */
  public static final class MalformedLineException extends Exception {
    public MalformedLineException(String message) {
      super(message);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonRecords() {}

  public static JsonNode parse(String line) throws MalformedLineException {
    try {
      JsonNode node = JSON.readTree(line);
      if (node == null || !node.isObject()) {
        throw new MalformedLineException("not a JSON object");
      }
      return node;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new MalformedLineException("bad JSON: " + e.getOriginalMessage());
    }
  }

  /** An {@link Interaction} or a {@link Preference}, by the line's "type". */
  public static SpecificRecordBase toRecord(JsonNode node) throws MalformedLineException {
    JsonNode type = node.get("type");
    if (type == null || !type.isTextual()) {
      throw new MalformedLineException("missing \"type\" (interaction or preference)");
    }
    Schema schema = switch (type.asText()) {
      case "interaction" -> Interaction.getClassSchema();
      case "preference" -> Preference.getClassSchema();
      default -> throw new MalformedLineException("unknown type \"" + type.asText() + "\"");
    };
    return record(node, schema, "", true);
  }

  private static SpecificRecordBase record(JsonNode node, Schema schema, String path, boolean topLevel)
      throws MalformedLineException {
    if (!node.isObject()) {
      throw new MalformedLineException(path + ": expected an object");
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (schema.getField(name) == null && !(topLevel && name.equals("type"))) {
        throw new MalformedLineException("unknown field " + path + name);
      }
    }
    SpecificRecordBase record = (SpecificRecordBase) SpecificData.get().newRecord(null, schema);
    for (Schema.Field field : schema.getFields()) {
      JsonNode value = node.get(field.name());
      if (value == null) {
        if (!field.hasDefaultValue()) {
          throw new MalformedLineException("missing field " + path + field.name());
        }
        record.put(field.pos(), SpecificData.get().deepCopy(field.schema(), SpecificData.get().getDefaultValue(field)));
      } else {
        record.put(field.pos(), value(value, field.schema(), path + field.name()));
      }
    }
    return record;
  }

  private static Object value(JsonNode node, Schema schema, String path) throws MalformedLineException {
    switch (schema.getType()) {
      case UNION -> {
        if (node.isNull()) {
          if (schema.getTypes().stream().noneMatch(s -> s.getType() == Schema.Type.NULL)) {
            throw new MalformedLineException(path + ": may not be null");
          }
          return null;
        }
        Schema branch = schema.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).findFirst()
            .orElseThrow();
        return value(node, branch, path);
      }
      case NULL -> {
        if (!node.isNull()) {
          throw new MalformedLineException(path + ": expected null");
        }
        return null;
      }
      case STRING -> {
        require(node.isTextual(), path, "a string");
        return node.asText();
      }
      case BOOLEAN -> {
        require(node.isBoolean(), path, "true or false");
        return node.asBoolean();
      }
      case INT -> {
        require(node.canConvertToInt() && node.isIntegralNumber(), path, "an integer");
        return node.asInt();
      }
      case LONG -> {
        if ("timestamp-millis".equals(logicalType(schema))) {
          return instant(node, path);
        }
        require(node.canConvertToLong() && node.isIntegralNumber(), path, "an integer");
        return node.asLong();
      }
      case FLOAT -> {
        require(node.isNumber(), path, "a number");
        return node.floatValue();
      }
      case DOUBLE -> {
        require(node.isNumber(), path, "a number");
        return node.doubleValue();
      }
      case ENUM -> {
        require(node.isTextual() && schema.getEnumSymbols().contains(node.asText()), path,
            "one of " + schema.getEnumSymbols());
        return SpecificData.get().createEnum(node.asText(), schema);
      }
      case ARRAY -> {
        require(node.isArray(), path, "an array");
        List<Object> list = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
          list.add(value(node.get(i), schema.getElementType(), path + "[" + i + "]"));
        }
        return list;
      }
      case MAP -> {
        require(node.isObject(), path, "an object");
        Map<String, Object> map = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> entry = it.next();
          map.put(entry.getKey(), value(entry.getValue(), schema.getValueType(), path + "." + entry.getKey()));
        }
        return map;
      }
      case RECORD -> {
        return record(node, schema, path + ".", false);
      }
      default -> throw new MalformedLineException(path + ": unsupported type " + schema.getType());
    }
  }

  private static Instant instant(JsonNode node, String path) throws MalformedLineException {
    if (node.isIntegralNumber()) {
      return Instant.ofEpochMilli(node.asLong());
    }
    require(node.isTextual(), path, "epoch milliseconds or an ISO-8601 instant");
    try {
      return Instant.parse(node.asText());
    } catch (DateTimeParseException e) {
      throw new MalformedLineException(path + ": not an ISO-8601 instant: " + node.asText());
    }
  }

  private static String logicalType(Schema schema) {
    return schema.getLogicalType() == null ? null : schema.getLogicalType().getName();
  }

  private static void require(boolean ok, String path, String expected) throws MalformedLineException {
    if (!ok) {
      throw new MalformedLineException(path + ": expected " + expected);
    }
  }
}
