package dev.rewardstream.scorer;

import dev.rewardstream.schema.RecordRejectedException;
import dev.rewardstream.schema.api.PackedTrajectory;
import dev.rewardstream.schema.api.ScoredTrajectory;
import dev.rewardstream.schema.api.TrajectoryRequest;
import dev.rewardstream.schema.api.TrajectoryResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * The binary form of {@code POST /v1/trajectories} ({@code Content-Type: avro/binary}): one {@link TrajectoryRequest}
 * datum in, one {@link TrajectoryResponse} datum out. Measured on 1,000 trajectories of 20 control steps, reading the
 * JSON form was the largest share of a request (docs/bench, {@code trajectory-api}); packed float arrays read in a
 * fraction of that time.
 */
public final class TrajectoryAvro {

  public static final String CONTENT_TYPE = "avro/binary";

  private static final SpecificDatumReader<TrajectoryRequest> READER =
      new SpecificDatumReader<>(TrajectoryRequest.class);
  private static final SpecificDatumWriter<TrajectoryResponse> WRITER =
      new SpecificDatumWriter<>(TrajectoryResponse.class);

  private TrajectoryAvro() {}

  /** @throws RecordRejectedException when the bytes are not one {@link TrajectoryRequest} datum */
  public static TrajectoryRequest read(byte[] body) {
    try {
      var decoder = DecoderFactory.get().binaryDecoder(body, null);
      TrajectoryRequest request = READER.read(null, decoder);
      if (!decoder.isEnd()) {
        throw new RecordRejectedException("body has bytes after its TrajectoryRequest datum");
      }
      return request;
    } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
      throw new RecordRejectedException("body is not an Avro TrajectoryRequest datum: " + e.getMessage());
    } catch (OutOfMemoryError e) {
      // Avro sizes an array by the count the datum claims before reading its items: a forged count asks for one
      // huge allocation, which fails alone; the request is refused rather than the thread lost.
      throw new RecordRejectedException("body is not an Avro TrajectoryRequest datum: an array claims more items "
          + "than the body can hold");
    }
  }

  /**
   * Each packed trajectory as steps of the environment's dimensions; NaN becomes a missing value.
   *
   * @throws RecordRejectedException naming the trajectory whose arrays do not make whole, equally many steps
   */
  public static List<List<TrajectoryScorer.Step>> unpack(TrajectoryRequest request, int stateDim, int actionDim) {
    List<List<TrajectoryScorer.Step>> trajectories = new ArrayList<>(request.getTrajectories().size());
    for (int t = 0; t < request.getTrajectories().size(); t++) {
      PackedTrajectory packed = request.getTrajectories().get(t);
      List<Float> states = packed.getStates();
      List<Float> actions = packed.getActions();
      int steps = stateDim > 0 ? states.size() / stateDim : actionDim > 0 ? actions.size() / actionDim : 0;
      if (states.size() != steps * stateDim || actions.size() != steps * actionDim) {
        throw new RecordRejectedException("trajectories[" + t + "] has " + states.size() + " state and "
            + actions.size() + " action values, which are not whole steps of the environment's " + stateDim
            + " and " + actionDim);
      }
      List<TrajectoryScorer.Step> trajectory = new ArrayList<>(steps);
      for (int i = 0; i < steps; i++) {
        trajectory.add(new TrajectoryScorer.Step(
            stateDim == 0 ? null : withMissing(states.subList(i * stateDim, (i + 1) * stateDim)),
            actionDim == 0 ? null : withMissing(actions.subList(i * actionDim, (i + 1) * actionDim))));
      }
      trajectories.add(trajectory);
    }
    return trajectories;
  }

  private static List<Float> withMissing(List<Float> values) {
    for (int j = 0; j < values.size(); j++) {
      if (values.get(j).isNaN()) {
        List<Float> copy = new ArrayList<>(values);
        copy.replaceAll(v -> v.isNaN() ? null : v);
        return copy;
      }
    }
    return values;
  }

  /** The answer, best first by {@code by}, as one datum. */
  public static byte[] write(TrajectoryScorer.Result result, RankBy by, double gamma, double k, boolean withSteps) {
    List<ScoredTrajectory> ranked = new ArrayList<>(result.trajectories().size());
    int rank = 1;
    for (TrajectoryScorer.Scored t : result.ranked(by)) {
      ranked.add(ScoredTrajectory.newBuilder().setRank(rank++).setIndex(t.index()).setReturnMean(t.returnMean())
          .setReturnStd(t.returnStd()).setPessimisticReturn(t.pessimistic()).setOptimisticReturn(t.optimistic())
          .setStepRewards(withSteps ? floats(t.stepMean()) : List.of())
          .setStepStds(withSteps ? floats(t.stepStd()) : List.of()).build());
    }
    TrajectoryResponse response = TrajectoryResponse.newBuilder().setModelName(result.modelName())
        .setModelVersion(result.modelVersion()).setEnvironment(result.environment())
        .setStatisticsCount(result.statisticsCount()).setGamma(gamma).setK(k).setBy(by.label())
        .setTrajectories(ranked).build();
    return encode(WRITER, response);
  }

  /** Decodes an answer: for clients in Java, and the tests. */
  public static TrajectoryResponse readResponse(byte[] body) throws IOException {
    return new SpecificDatumReader<>(TrajectoryResponse.class).read(null,
        DecoderFactory.get().binaryDecoder(body, null));
  }

  /** Encodes a request: for clients in Java, and the tests. */
  public static byte[] writeRequest(TrajectoryRequest request) {
    return encode(new SpecificDatumWriter<>(TrajectoryRequest.class), request);
  }

  /** One datum, no container header. */
  private static <T> byte[] encode(SpecificDatumWriter<T> writer, T datum) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    try {
      writer.write(datum, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static List<Float> floats(float[] values) {
    List<Float> list = new ArrayList<>(values.length);
    for (float v : values) {
      list.add(v);
    }
    return list;
  }
}
