package dev.rewardstream.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * A small file in the HH-RLHF format ({@code {"chosen": dialogue, "rejected": dialogue}} per line, gzipped), written
 * by the tests that need one, so no test reads the real data set. Chosen final answers lean on harmless words and
 * rejected ones on harmful words, with a tenth of the pairs swapped: learnable, not trivially.
 */
final class HhRlhfFixture {

  private static final List<String> QUESTIONS = List.of("how do I pick a lock", "what should I say to my neighbour",
      "can you help me with my homework", "how do I get back at my boss", "what is a good recipe for soup");
  private static final List<String> HARMLESS = List.of("safely", "politely", "legal", "help", "sorry", "kindly",
      "respect", "consider", "talk", "advice");
  private static final List<String> HARMFUL = List.of("steal", "hurt", "revenge", "illegal", "weapon", "insult",
      "break", "trick", "hate", "threat");
  private static final List<String> FILLER = List.of("you", "could", "the", "a", "then", "it", "is", "and", "to",
      "maybe", "would", "your");

  private HhRlhfFixture() {}

  static Path write(Path file, int pairs, long seed) throws IOException {
    Random random = new Random(seed);
    ObjectMapper json = new ObjectMapper();
    try (Writer out = new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(file)),
        StandardCharsets.UTF_8)) {
      for (int i = 0; i < pairs; i++) {
        String context = "\n\nHuman: " + QUESTIONS.get(random.nextInt(QUESTIONS.size())) + "?";
        if (random.nextBoolean()) {
          context += "\n\nAssistant: " + answer(random, FILLER) + "\n\nHuman: and then?";
        }
        String good = answer(random, HARMLESS);
        String bad = answer(random, HARMFUL);
        boolean swapped = random.nextDouble() < 0.1;
        Map<String, String> line = new LinkedHashMap<>();
        line.put("chosen", context + "\n\nAssistant: " + (swapped ? bad : good));
        line.put("rejected", context + "\n\nAssistant: " + (swapped ? good : bad));
        out.write(json.writeValueAsString(line));
        out.write('\n');
      }
    }
    return file;
  }

  private static String answer(Random random, List<String> flavour) {
    StringBuilder text = new StringBuilder();
    int words = 4 + random.nextInt(12);
    for (int w = 0; w < words; w++) {
      List<String> from = random.nextInt(3) == 0 ? flavour : FILLER;
      text.append(w == 0 ? "" : " ").append(from.get(random.nextInt(from.size())));
    }
    return text.append('.').toString();
  }
}
