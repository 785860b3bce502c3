package dev.rewardstream.ops;

import dev.rewardstream.platform.TopicAdmin;
import dev.rewardstream.serde.SerdeConfig;
import dev.rewardstream.serde.Topics;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code rewardctl topics}: create the system's topics on any cluster, idempotently. */
@Command(name = "topics", mixinStandardHelpOptions = true,
    description = "Create every topic with its partitions, retention and compaction; existing topics are left alone.")
final class TopicsCommand implements Callable<Integer> {

  @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092") String bootstrapServers;
  @Option(names = "--topic-prefix", defaultValue = "") String topicPrefix;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    // Topic layout needs no registry; the URL is never contacted here.
    Topics topics = Topics.connect(SerdeConfig.of("http://127.0.0.1:0").withTopicPrefix(topicPrefix));
    TopicAdmin.ensureTopics(bootstrapServers, topics).forEach(spec.commandLine().getOut()::println);
    return 0;
  }
}
