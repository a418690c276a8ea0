package io.snmfservice.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The manifests of the helm/ chart as `helm template` renders them, parsed into YAML maps. */
final class RenderedChart {

  static final Path CHART = Path.of("helm");
  static final String RELEASE = "snmf";

  private final List<Map<String, Object>> manifests;

  private RenderedChart(List<Map<String, Object>> manifests) {
    this.manifests = manifests;
  }

  /** Renders with the chart's own values.yaml plus whatever {@code options} adds (values files, --set). */
  static RenderedChart render(UnaryOperator<TemplateCommand> options) {
    TemplateCommand command = new Helm(CHART).template().withName(RELEASE).withNamespace("snmf");
    return parse(options.apply(command).call());
  }

  static RenderedChart renderDefaults() {
    return render(command -> command);
  }

  static RenderedChart renderWith(Path valuesFile) {
    return render(command -> command.withValuesFile(valuesFile));
  }

  @SuppressWarnings("unchecked")
  static RenderedChart parse(String yaml) {
    List<Map<String, Object>> documents = new ArrayList<>();
    // SafeConstructor: plain maps and lists only, no arbitrary types from the rendered text
    for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
      if (document instanceof Map<?, ?> map) {
        documents.add((Map<String, Object>) map);
      }
    }
    return new RenderedChart(documents);
  }

  List<Map<String, Object>> all() {
    return manifests;
  }

  List<Map<String, Object>> ofKind(String kind) {
    return manifests.stream().filter(m -> kind.equals(m.get("kind"))).toList();
  }

  /** The manifest of this kind and name; fails when there is none. */
  Node get(String kind, String name) {
    return ofKind(kind).stream()
        .filter(m -> name.equals(((Map<?, ?>) m.get("metadata")).get("name")))
        .findFirst()
        .map(Node::new)
        .orElseThrow(() -> new AssertionError("no " + kind + " named " + name + " in " + names()));
  }

  boolean has(String kind, String name) {
    return ofKind(kind).stream().anyMatch(m -> name.equals(((Map<?, ?>) m.get("metadata")).get("name")));
  }

  List<String> names() {
    return manifests.stream()
        .map(m -> m.get("kind") + "/" + ((Map<?, ?>) m.get("metadata")).get("name"))
        .toList();
  }

  /** A YAML subtree with dotted-path access ("spec.template.spec"); list elements by index ("containers.0"). */
  record Node(Object value) {

    Node at(String path) {
      Object current = value;
      for (String key : path.split("\\.")) {
        if (current instanceof Map<?, ?> map) {
          if (!map.containsKey(key)) {
            throw new AssertionError("no key '" + key + "' in " + map.keySet() + " (path " + path + ")");
          }
          current = map.get(key);
        } else if (current instanceof List<?> list) {
          current = list.get(Integer.parseInt(key));
        } else {
          throw new AssertionError("cannot descend into " + current + " with '" + key + "' (path " + path + ")");
        }
      }
      return new Node(current);
    }

    boolean has(String path) {
      try {
        at(path);
        return true;
      } catch (AssertionError | IndexOutOfBoundsException | NumberFormatException e) {
        return false;
      }
    }

    Object get(String path) {
      return at(path).value();
    }

    String string(String path) {
      return String.valueOf(get(path));
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> map(String path) {
      return (Map<String, Object>) get(path);
    }

    @SuppressWarnings("unchecked")
    List<Object> list(String path) {
      return (List<Object>) get(path);
    }

    /** The first container of a workload's pod template. */
    Node container() {
      return at("spec.template.spec.containers.0");
    }

    /** The container's env entry with this name; fails when there is none. */
    Node env(String name) {
      return new Node(container().list("env").stream()
          .map(e -> (Map<?, ?>) e)
          .filter(e -> name.equals(e.get("name")))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no env " + name + " in " + container().get("env"))));
    }
  }
}
