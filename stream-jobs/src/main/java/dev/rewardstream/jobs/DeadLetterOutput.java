package dev.rewardstream.jobs;

import dev.rewardstream.schema.DeadLetter;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.OutputTag;

/** The side output every operator of the feature job sends its rejects to. */
public final class DeadLetterOutput {

  public static final OutputTag<DeadLetter> TAG =
      new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

  private DeadLetterOutput() {}
}
