package dev.rewardstream.jobs;

import dev.rewardstream.schema.DeadLetter;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * Counts the job's dead letters by stage in Flink's metrics ({@code rewardstream_dead_letters} with a {@code stage}
 * label in Flink's Prometheus reporter), as the other services count theirs; passes each letter on unchanged.
 */
final class CountDeadLetters extends RichMapFunction<DeadLetter, DeadLetter> {

  private transient MetricGroup group;
  private transient Map<String, Counter> byStage;

  @Override
  public void open(OpenContext context) {
    group = getRuntimeContext().getMetricGroup();
    byStage = new HashMap<>();
  }

  @Override
  public DeadLetter map(DeadLetter letter) {
    byStage.computeIfAbsent(letter.getStage(), stage -> group.addGroup("stage", stage)
        .counter("rewardstream_dead_letters")).inc();
    return letter;
  }
}
