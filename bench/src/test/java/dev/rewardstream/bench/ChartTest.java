package dev.rewardstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

class ChartTest {

  private static final double[] LABELS = {250, 500, 1000, 2000, 5000, 20000};

  @Test
  void shouldDrawLearningCurvesWithBandsRoundLogTicksAndReferenceLinesAsSvgAndPng() throws Exception {
    // Given a learner's mean curve with its spread over seeds, a dashed anchor and a Bayes-optimal reference
    Chart chart = Chart.lines("world: accuracy", "labels", "accuracy", List.of(
        Chart.Series.line("default", "#1f77b4", LABELS, new double[] {0.70, 0.75, 0.80, 0.84, 0.87, 0.90})
            .withSpread(new double[] {0.03, 0.02, 0.02, 0.01, 0.01, 0.005}),
        Chart.Series.line("sgd", "#2ca02c", LABELS, new double[] {0.68, 0.73, 0.79, 0.83, 0.86, 0.89}).asDashed()),
        List.of(new Chart.Reference("Bayes-optimal vs labels", 0.95)), true);

    // When it is written as SVG
    Document svg = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new InputSource(new StringReader(chart.svg())));

    // Then the x axis is ticked at round label counts, not at powers of a fractional tick unit
    List<String> texts = texts(svg);
    assertThat(texts).contains("500", "1,000", "2,000", "5,000", "10,000", "20,000").doesNotContain("316", "3,162");
    // And the legend names both curves, the reference line is labelled and kept inside the range
    assertThat(texts).contains("default", "sgd", "Bayes-optimal vs labels");
    assertThat(texts.stream().filter(t -> t.matches("0\\.\\d+")).mapToDouble(Double::parseDouble).max()
        .orElseThrow()).as("top of the accuracy axis").isGreaterThanOrEqualTo(0.95);
    // And the band is a translucent filled area, the anchor a dashed stroke
    String text = chart.svg();
    assertThat(text).contains("opacity:0.18");
    assertThat(text).contains("stroke-dasharray:6,4");

    // And the PNG is a picture of the same size
    BufferedImage png = ImageIO.read(new ByteArrayInputStream(chart.png()));
    assertThat(png.getWidth()).isEqualTo(760);
    assertThat(png.getHeight()).isEqualTo(420);
  }

  private static List<String> texts(Document svg) {
    NodeList nodes = svg.getElementsByTagName("text");
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      texts.add(nodes.item(i).getTextContent().trim());
    }
    return texts;
  }
}
