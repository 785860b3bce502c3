package dev.rewardstream.ops;

import dev.rewardstream.runtime.PlatformSecurity;
import dev.rewardstream.security.Credentials;
import dev.rewardstream.security.SecretFiles;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code rewardctl rotate}: new credentials for a secured platform's data directory. The platform applies them at its
 * next start ({@code up --secure} upserts every principal's SCRAM credential and rewrites the client files), so a
 * rotation is: rotate, restart, hand out the new client files. Nothing secret is printed.
 */
@Command(name = "rotate", mixinStandardHelpOptions = true,
    description = "Rotate a secured platform's passwords, API token or host certificate; applied at its next start.")
final class RotateCommand implements Callable<Integer> {

  @Option(names = "--data-dir", defaultValue = "rewardstream-data",
      description = "The platform's data directory (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--principal", paramLabel = "NAME", description = "A principal whose password to rotate "
      + "(repeatable): producer, feature-job, trainer, scorer, drift, alerts, dashboard or registry.")
  List<String> principals = List.of();

  @Option(names = "--api-token", description = "A new bearer token for the scoring API and the dashboard.")
  boolean apiToken;

  @Option(names = "--host-certificate", description = "A new host key and certificate from the same CA (clients keep "
      + "trusting ca.p12).")
  boolean hostCertificate;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Path security = dataDir.resolve("security");
    if (!Files.exists(PlatformSecurity.credentialsFile(security))) {
      throw new ParameterException(spec.commandLine(), dataDir + " has no secured platform's credentials ("
          + PlatformSecurity.credentialsFile(security) + "); start it once with 'rewardctl up --secure'");
    }
    if (principals.isEmpty() && !apiToken && !hostCertificate) {
      throw new ParameterException(spec.commandLine(), "name what to rotate: --principal NAME, --api-token or "
          + "--host-certificate");
    }
    PrintWriter out = spec.commandLine().getOut();
    Credentials credentials = PlatformSecurity.credentials(security);
    for (String principal : principals) {
      if (!PlatformSecurity.PRINCIPALS.contains(principal)) {
        throw new ParameterException(spec.commandLine(), "no principal named " + principal + "; the platform's are "
            + String.join(", ", PlatformSecurity.PRINCIPALS));
      }
      credentials.rotate(principal);
      out.printf("rotated the password of %s%n", principal);
    }
    if (apiToken) {
      SecretFiles.write(security.resolve("api-token"), SecretFiles.randomToken(32));
      out.printf("rotated the API token (%s)%n", security.resolve("api-token"));
    }
    if (hostCertificate) {
      Files.deleteIfExists(security.resolve("host.p12"));
      out.println("the host certificate is issued again at the next start");
    }
    out.println("restart the platform ('rewardctl up --secure --data-dir " + dataDir + "') to apply; it rewrites the "
        + "client files in " + security);
    out.flush();
    return 0;
  }
}
