package io.snmfservice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

class HelmValuesDocumentationTest {

  @Test
  void documentsEveryTopLevelValueInTheChartReadme() throws IOException {
    Map<String, Object> values = new Yaml(new SafeConstructor(new LoaderOptions()))
        .load(Files.readString(Path.of("helm", "values.yaml")));
    String readme = Files.readString(Path.of("helm", "README.md"));

    List<String> undocumented = values.keySet().stream()
        .filter(key -> !readme.contains("`" + key + "`") && !readme.contains("`" + key + "."))
        .toList();

    assertThat(undocumented).isEmpty();
  }

  @Test
  void commentsEveryTopLevelValueInValuesYaml() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("helm", "values.yaml"));

    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      boolean topLevelKey = !line.isBlank() && !line.startsWith(" ") && !line.startsWith("#");
      if (topLevelKey) {
        assertThat(i).as("comment above %s", line).isPositive();
        String above = lines.get(i - 1).strip();
        assertThat(above.startsWith("#") || above.isEmpty() && lines.get(i - 2).strip().startsWith("#"))
            .as("comment above `%s`", line)
            .isTrue();
      }
    }
  }
}
