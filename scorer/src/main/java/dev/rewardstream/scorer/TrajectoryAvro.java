package dev.rewardstream.scorer;

import dev.rewardstream.schema.RecordRejectedException;
import dev.rewardstream.schema.api.PackedTrajectory;
import dev.rewardstream.schema.api.ScoredTrajectory;
import dev.rewardstream.schema.api.TrajectoryRequest;
import dev.rewardstream.schema.api.TrajectoryResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * The binary form of {@code POST /v1/trajectories} ({@code Content-Type: avro/binary}): one {@link TrajectoryRequest}
 * datum in, one {@link TrajectoryResponse} datum out.
 *
 * <p>The server reads and writes the two datums field by field, in their schemas' order (checked when this class
 * loads), rather than through Avro's datum reader and writer: those hold every float of a request and an answer as a
 * boxed {@code Float} in a list, 120,000 objects for 1,000 trajectories of 20 control steps, and the collections that
 * copied them mid-request were the tail of the API's latency (docs/bench, {@code trajectory-api}). Clients in Java use
 * the generated classes ({@link #writeRequest}, {@link #readResponse}); the tests hold both ends to each other.
 */
public final class TrajectoryAvro {

  public static final String CONTENT_TYPE = "avro/binary";

  static {
    requireFields(TrajectoryRequest.getClassSchema(), "model", "environment", "gamma", "k", "by", "steps",
        "trajectories", "answer_revision");
    requireFields(PackedTrajectory.getClassSchema(), "states", "actions");
    requireFields(TrajectoryResponse.getClassSchema(), "model_name", "model_version", "environment",
        "statistics_count", "gamma", "k", "by", "trajectories");
    requireFields(ScoredTrajectory.getClassSchema(), "rank", "index", "return_mean", "return_std",
        "pessimistic_return", "optimistic_return", "step_rewards", "step_stds", "attribute_returns");
  }

  /** The answer without {@code attribute_returns}: what a request without {@code answer_revision} gets. */
  public static final int FIRST_REVISION = 1;
  public static final int ATTRIBUTES_REVISION = 2;

  private TrajectoryAvro() {}

  /**
   * The question, with each trajectory's vectors as the packed float arrays the client sent, and the answer's
   * revision its client decodes.
   */
  public record Request(String model, String environment, Double gamma, Double k, String by, boolean steps,
      List<PackedVectors> trajectories, int answerRevision) {}

  /** One trajectory's states and actions, step after step; NaN is a missing value. */
  public record PackedVectors(float[] states, float[] actions) {}

  /** @throws RecordRejectedException when the bytes are not one {@link TrajectoryRequest} datum */
  public static Request read(byte[] body) {
    try {
      BinaryDecoder in = DecoderFactory.get().binaryDecoder(body, null);
      String model = optionalString(in, body);
      String environment = optionalString(in, body);
      Double gamma = optionalDouble(in);
      Double k = optionalDouble(in);
      String by = optionalString(in, body);
      boolean steps = in.readBoolean();
      List<PackedVectors> trajectories = trajectories(in, body);
      // A client on the schema before answer_revision ends its datum here.
      int revision = in.isEnd() ? FIRST_REVISION : in.readInt();
      if (revision != FIRST_REVISION && revision != ATTRIBUTES_REVISION) {
        throw new RecordRejectedException("answer_revision " + revision + " is not one this scorer writes ("
            + FIRST_REVISION + " or " + ATTRIBUTES_REVISION + ")");
      }
      Request request = new Request(model, environment, gamma, k, by, steps, trajectories, revision);
      if (!in.isEnd()) {
        throw new RecordRejectedException("body has bytes after its TrajectoryRequest datum");
      }
      return request;
    } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException e) {
      throw new RecordRejectedException("body is not an Avro TrajectoryRequest datum: " + e.getMessage());
    }
  }

  private static List<PackedVectors> trajectories(BinaryDecoder in, byte[] body) throws IOException {
    List<PackedVectors> trajectories = new ArrayList<>();
    for (long n = in.readArrayStart(); n != 0; n = in.arrayNext()) {
      // each trajectory takes at least two bytes (its two arrays' counts)
      claimedItems(n, 2, body);
      for (long j = 0; j < n; j++) {
        trajectories.add(new PackedVectors(floats(in, body), floats(in, body)));
      }
    }
    return trajectories;
  }

  private static float[] floats(BinaryDecoder in, byte[] body) throws IOException {
    float[] values = new float[0];
    int size = 0;
    for (long n = in.readArrayStart(); n != 0; n = in.arrayNext()) {
      claimedItems(n, Float.BYTES, body);
      values = Arrays.copyOf(values, size + (int) n);
      for (long j = 0; j < n; j++) {
        values[size++] = in.readFloat();
      }
    }
    return values;
  }

  /** A count is checked against the body before anything is sized by it: a forged one must not be allocated. */
  private static void claimedItems(long count, int bytesEach, byte[] body) {
    if (count < 0 || count > body.length / bytesEach) {
      throw new RecordRejectedException("body is not an Avro TrajectoryRequest datum: an array claims " + count
          + " items, more than its " + body.length + " bytes can hold");
    }
  }

  private static String optionalString(BinaryDecoder in, byte[] body) throws IOException {
    if (!present(in)) {
      return null;
    }
    long length = in.readLong();
    claimedItems(length, 1, body);
    byte[] bytes = new byte[(int) length];
    in.readFixed(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static Double optionalDouble(BinaryDecoder in) throws IOException {
    return present(in) ? in.readDouble() : null;
  }

  /** A {@code ["null", T]} union's branch. */
  private static boolean present(BinaryDecoder in) throws IOException {
    int branch = in.readIndex();
    if (branch != 0 && branch != 1) {
      throw new RecordRejectedException("body is not an Avro TrajectoryRequest datum: union branch " + branch
          + " of a nullable field");
    }
    return branch == 1;
  }

  /**
   * Each packed trajectory as a candidate of the environment's dimensions.
   *
   * @throws RecordRejectedException naming the trajectory whose arrays do not make whole, equally many steps
   */
  public static List<TrajectoryScorer.Packed> unpack(Request request, int stateDim, int actionDim) {
    List<TrajectoryScorer.Packed> trajectories = new ArrayList<>(request.trajectories().size());
    for (int t = 0; t < request.trajectories().size(); t++) {
      PackedVectors packed = request.trajectories().get(t);
      int states = packed.states().length;
      int actions = packed.actions().length;
      int steps = stateDim > 0 ? states / stateDim : actionDim > 0 ? actions / actionDim : 0;
      if (states != steps * stateDim || actions != steps * actionDim) {
        throw new RecordRejectedException("trajectories[" + t + "] has " + states + " state and " + actions
            + " action values, which are not whole steps of the environment's " + stateDim + " and " + actionDim);
      }
      trajectories.add(new TrajectoryScorer.Packed(steps, stateDim, packed.states(), actionDim, packed.actions()));
    }
    return trajectories;
  }

  /** The answer, best first by {@code by}, as one {@link TrajectoryResponse} datum of {@code revision}. */
  public static byte[] write(TrajectoryScorer.Result result, RankBy by, double gamma, double k, boolean withSteps,
      int revision) {
    List<TrajectoryScorer.Scored> ranked = result.ranked(by);
    int stepsEach = withSteps && !ranked.isEmpty() ? ranked.get(0).stepMean().length : 0;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + ranked.size() * (64 + 8 * stepsEach));
    BinaryEncoder out = EncoderFactory.get().binaryEncoder(bytes, null);
    try {
      out.writeString(result.modelName());
      out.writeLong(result.modelVersion());
      out.writeString(result.environment());
      out.writeLong(result.statisticsCount());
      out.writeDouble(gamma);
      out.writeDouble(k);
      out.writeString(by.label());
      out.writeArrayStart();
      out.setItemCount(ranked.size());
      int rank = 1;
      for (TrajectoryScorer.Scored t : ranked) {
        out.startItem();
        out.writeInt(rank++);
        out.writeInt(t.index());
        out.writeDouble(t.returnMean());
        out.writeDouble(t.returnStd());
        out.writeDouble(t.pessimistic());
        out.writeDouble(t.optimistic());
        writeFloats(out, withSteps ? t.stepMean() : new float[0]);
        writeFloats(out, withSteps ? t.stepStd() : new float[0]);
        if (revision >= ATTRIBUTES_REVISION) {
          out.writeMapStart();
          out.setItemCount(t.attributeReturns().size());
          for (java.util.Map.Entry<String, Double> attribute : t.attributeReturns().entrySet()) {
            out.startItem();
            out.writeString(attribute.getKey());
            out.writeDouble(attribute.getValue());
          }
          out.writeMapEnd();
        }
      }
      out.writeArrayEnd();
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void writeFloats(BinaryEncoder out, float[] values) throws IOException {
    out.writeArrayStart();
    out.setItemCount(values.length);
    for (float v : values) {
      out.startItem();
      out.writeFloat(v);
    }
    out.writeArrayEnd();
  }

  /** Decodes an answer: for clients in Java, and the tests. */
  public static TrajectoryResponse readResponse(byte[] body) throws IOException {
    return new SpecificDatumReader<>(TrajectoryResponse.class).read(null,
        DecoderFactory.get().binaryDecoder(body, null));
  }

  /** Encodes a request: for clients in Java, and the tests. */
  public static byte[] writeRequest(TrajectoryRequest request) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    try {
      new SpecificDatumWriter<>(TrajectoryRequest.class).write(request, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** This class reads and writes fields in this order; a schema edited without it fails here, not on a request. */
  private static void requireFields(Schema schema, String... names) {
    List<String> actual = schema.getFields().stream().map(Schema.Field::name).toList();
    if (!actual.equals(List.of(names))) {
      throw new IllegalStateException(schema.getName() + " has fields " + actual + "; TrajectoryAvro reads and "
          + "writes " + List.of(names));
    }
  }
}
