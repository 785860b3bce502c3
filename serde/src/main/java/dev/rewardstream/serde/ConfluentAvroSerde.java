package dev.rewardstream.serde;

import dev.rewardstream.schema.RecordRejectedException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro specific records in the Confluent wire format: magic byte 0, the writer schema's 4-byte registry id, then Avro
 * binary. Subjects follow Confluent's TopicNameStrategy ({@code <topic>-value}). This is the only encoder of topic
 * values in the project: Flink jobs, the trainer, the scorer and the CLI all go through it.
 *
 * <p>Decoding resolves the writer schema (by id) against this type's schema, so records written by older or newer
 * producers are read as long as the schemas are compatible. Content problems throw {@link RecordRejectedException};
 * registry outages throw other exceptions, so callers can tell a bad record from a bad day.
 */
public final class ConfluentAvroSerde<T extends SpecificRecord> implements Serde<T> {

  public static final byte MAGIC_BYTE = 0;
  private static final int HEADER_BYTES = 5;

  private final Class<T> type;
  private final Schema readerSchema;
  private final SchemaRegistry registry;
  private final int maxRecordBytes;
  private final Map<String, Integer> idBySubject = new ConcurrentHashMap<>();
  private final Map<Integer, SpecificDatumReader<T>> readerByWriterId = new ConcurrentHashMap<>();
  private final AvroBodyWriter<T> writer;

  public ConfluentAvroSerde(Class<T> type, SchemaRegistry registry, int maxRecordBytes) {
    this(type, registry, maxRecordBytes, null);
  }

  /**
   * With a hand-written body writer for the type's hottest topic, or null for Avro's generic one. A body writer must
   * produce exactly the generic writer's bytes for the type's schema.
   */
  public ConfluentAvroSerde(Class<T> type, SchemaRegistry registry, int maxRecordBytes, AvroBodyWriter<T> writer) {
    this.type = type;
    this.readerSchema = SpecificData.get().getSchema(type);
    this.registry = registry;
    this.maxRecordBytes = maxRecordBytes;
    this.writer = writer != null ? writer : new SpecificDatumWriter<T>(readerSchema)::write;
  }

  public Class<T> type() {
    return type;
  }

  public byte[] encode(String topic, T record) {
    if (record == null) {
      return null;
    }
    int id = idBySubject.computeIfAbsent(topic + "-value", subject -> registry.register(subject, readerSchema));
    ByteSink out = new ByteSink(256);
    out.write(MAGIC_BYTE);
    out.write(id >>> 24);
    out.write(id >>> 16);
    out.write(id >>> 8);
    out.write(id);
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    try {
      writer.write(record, encoder);
      encoder.flush();
    } catch (IOException | AvroRuntimeException e) {
      throw new IllegalArgumentException("cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
    return out.toByteArray();
  }

  /**
   * Decodes one value.
   *
   * @throws RecordRejectedException when the bytes are not a readable record of this type
   */
  public T decode(String topic, byte[] bytes) {
    if (bytes == null) {
      throw new RecordRejectedException("null value (tombstone) on " + topic + " where a " + type.getSimpleName()
          + " is expected");
    }
    if (bytes.length > maxRecordBytes) {
      throw new RecordRejectedException("record of " + bytes.length + " bytes exceeds the limit of "
          + maxRecordBytes + " bytes");
    }
    if (bytes.length < HEADER_BYTES || bytes[0] != MAGIC_BYTE) {
      throw new RecordRejectedException("not Confluent wire format: expected magic byte 0 and a 4-byte schema id, got "
          + (bytes.length == 0 ? "an empty value" : bytes.length + " bytes starting with " + bytes[0]));
    }
    int writerId = ByteBuffer.wrap(bytes, 1, 4).getInt();
    SpecificDatumReader<T> reader = readerByWriterId.computeIfAbsent(writerId, this::readerFor);
    BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, HEADER_BYTES, bytes.length - HEADER_BYTES, null);
    try {
      T record = reader.read(null, decoder);
      if (!decoder.isEnd()) {
        throw new RecordRejectedException("trailing bytes after a " + type.getSimpleName() + " (schema id " + writerId
            + ")");
      }
      return record;
    } catch (IOException | RuntimeException e) {
      if (e instanceof RecordRejectedException rejected) {
        throw rejected;
      }
      throw new RecordRejectedException("malformed Avro for " + type.getSimpleName() + " with schema id " + writerId
          + ": " + e, e);
    }
  }

  /**
   * A growable byte buffer without {@link java.io.ByteArrayOutputStream}'s locking: the direct encoder writes most
   * values a byte at a time, and each of those took a monitor.
   */
  private static final class ByteSink extends OutputStream {

    private byte[] bytes;
    private int length;

    ByteSink(int capacity) {
      bytes = new byte[capacity];
    }

    @Override
    public void write(int b) {
      if (length == bytes.length) {
        bytes = Arrays.copyOf(bytes, 2 * bytes.length);
      }
      bytes[length++] = (byte) b;
    }

    @Override
    public void write(byte[] source, int offset, int count) {
      if (length + count > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(2 * bytes.length, length + count));
      }
      System.arraycopy(source, offset, bytes, length, count);
      length += count;
    }

    byte[] toByteArray() {
      return Arrays.copyOf(bytes, length);
    }
  }

  private SpecificDatumReader<T> readerFor(int writerId) {
    Schema writerSchema = registry.schemaById(writerId);
    if (!writerSchema.getFullName().equals(readerSchema.getFullName())) {
      throw new RecordRejectedException("schema id " + writerId + " is " + writerSchema.getFullName() + ", expected "
          + readerSchema.getFullName());
    }
    return new SpecificDatumReader<>(writerSchema, readerSchema);
  }

  @Override
  public Serializer<T> serializer() {
    return this::encode;
  }

  @Override
  public Deserializer<T> deserializer() {
    return this::decode;
  }
}
