package dev.rewardstream.ops;

import dev.rewardstream.platform.EmbeddedKafka;
import dev.rewardstream.security.SecurityMaterial;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rewardctl broker}: one Kafka broker (KRaft, broker and controller in one process) of a quorum on this host;
 * {@code rewardctl cluster up} starts three.
 */
@Command(name = "broker", mixinStandardHelpOptions = true,
    description = "Run one Kafka broker (KRaft) of a quorum on this host; 'cluster up' starts three.")
final class BrokerCommand implements Callable<Integer> {

  @Option(names = "--node-id", required = true) int nodeId;
  @Option(names = "--quorum", required = true, split = ",", paramLabel = "ID@PORT:CONTROLLER_PORT",
      description = "Every node of the quorum, this one included, e.g. 1@19092:19102,2@19093:19103,3@19094:19104.")
  List<String> quorum;
  @Option(names = "--cluster-id", required = true, description = "The same for every node; formats new data dirs.")
  String clusterId;
  @Option(names = "--data-dir", required = true) Path dataDir;
  @Option(names = "--secure-dir", paramLabel = "DIR", description = "Secured: SASL_SSL for clients, mutual TLS between "
      + "the nodes, ACLs; DIR holds the CA and host certificate ('cluster up --secure' makes it).")
  Path secureDir;
  @Option(names = "--internal-port", description = "With --secure-dir: the nodes' mutual-TLS listener on 127.0.0.1.")
  int internalPort;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    List<EmbeddedKafka.Node> nodes = new ArrayList<>();
    for (String entry : quorum) {
      nodes.add(parse(entry));
    }
    EmbeddedKafka.Node self = nodes.stream().filter(node -> node.id() == nodeId).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("--node-id " + nodeId + " is not in --quorum " + quorum));
    StopSignals stop = StopSignals.install();
    try (EmbeddedKafka broker = secureDir == null ? EmbeddedKafka.startNode(dataDir, self, nodes, clusterId)
        : EmbeddedKafka.startSecureNode(dataDir, "127.0.0.1", self, internalPort, nodes, clusterId,
            SecurityMaterial.ensure(secureDir, List.of()))) {
      spec.commandLine().getOut().printf("broker %d: listening on %s, controller on 127.0.0.1:%d, data in %s%n", nodeId,
          broker.bootstrapServers(), self.controllerPort(), dataDir.toAbsolutePath());
      spec.commandLine().getOut().flush();
      stop.await();
    }
    return 0;
  }

  static EmbeddedKafka.Node parse(String entry) {
    try {
      String[] idAndPorts = entry.split("@", 2);
      String[] ports = idAndPorts[1].split(":", 2);
      return new EmbeddedKafka.Node(Integer.parseInt(idAndPorts[0].trim()), Integer.parseInt(ports[0].trim()),
          Integer.parseInt(ports[1].trim()));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("--quorum entry '" + entry + "' is not ID@PORT:CONTROLLER_PORT");
    }
  }
}
