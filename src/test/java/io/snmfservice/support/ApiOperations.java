package io.snmfservice.support;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Every operation of {@code openapi.yaml}, read from the file so that a new route cannot slip past the tests. */
public record ApiOperations(OpenAPI spec, List<Op> all) {

  /** One operation: method, path template, the least role it declares, and whether it declares security. */
  public record Op(String method, String path, String requiredRole, boolean declaresSecurity, Operation operation) {

    /** The path with every {param} replaced by an id that exists nowhere. */
    public String concretePath() {
      return path.replaceAll("\\{[^}]+}", "999999999");
    }

    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  public static ApiOperations read() {
    OpenAPI spec = new OpenAPIV3Parser().read("openapi.yaml");
    List<Op> ops = new ArrayList<>();
    for (Map.Entry<String, PathItem> path : spec.getPaths().entrySet()) {
      for (Map.Entry<PathItem.HttpMethod, Operation> e : path.getValue().readOperationsMap().entrySet()) {
        Operation op = e.getValue();
        Object role = op.getExtensions() == null ? null : op.getExtensions().get("x-required-role");
        ops.add(new Op(e.getKey().name().toUpperCase(Locale.ROOT), path.getKey(), role == null ? null : role.toString(),
            op.getSecurity() != null && !op.getSecurity().isEmpty(), op));
      }
    }
    return new ApiOperations(spec, ops);
  }
}
