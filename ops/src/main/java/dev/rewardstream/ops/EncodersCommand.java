package dev.rewardstream.ops;

import dev.rewardstream.model.TextEncoder;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code rewardctl encoders}: the text encoders on the class path, the names {@code --text-encoder} takes. */
@Command(name = "encoders", mixinStandardHelpOptions = true,
    description = "List the text encoders on the class path (the names --text-encoder takes).")
final class EncodersCommand implements Callable<Integer> {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    List<TextEncoder> encoders = TextEncoder.available();
    out.printf("%-24s %9s  %s%n", "NAME", "DIMENSION", "FROM");
    out.printf("%-24s %9s  %s%n", TextEncoder.NONE, "-", "(the default: hashed words only)");
    for (TextEncoder encoder : encoders) {
      var source = encoder.getClass().getProtectionDomain().getCodeSource();
      out.printf("%-24s %9d  %s%n", encoder.name(), encoder.dimension(),
          source == null ? encoder.getClass().getName() : source.getLocation().getPath());
    }
    out.flush();
    return 0;
  }
}
