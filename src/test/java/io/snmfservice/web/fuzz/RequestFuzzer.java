package io.snmfservice.web.fuzz;

import io.snmfservice.support.ApiOperations;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.RandomGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Generates requests from openapi.yaml: a well-formed request per the operation's schemas (parameters and body),
 * then, most of the time, a mutation of it: wrong types, missing and extra fields, huge and non-finite numbers,
 * unicode and NUL, path traversal, truncated or non-JSON bodies, wrong content types and methods. Values come from
 * jqwik's generators, edge cases included; one seed gives one sequence.
 */
final class RequestFuzzer {

  /** One request to send. */
  record FuzzedRequest(String method, String pathAndQuery, String contentType, byte[] body, String key,
      String operation, String mutation) {}

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final List<String> NASTY_STRINGS = List.of(
      "", " ", "../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "/etc/shadow", "/root", "C:\\Windows\\system32",
      "\u0000", "a\u0000b", "' OR 1=1 --", "\"; DROP TABLE job; --", "<script>alert(1)</script>", "${jndi:ldap://x}",
      "\uD83D\uDE00\uD83D\uDE00", "\u202Eevil", "Grüße", "日本語", "%00", "%", "NaN", "-Infinity", "1e400",
      "x".repeat(5000));
  private static final List<String> NUMBER_LITERALS = List.of(
      "NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1e308", "-0", "99999999999999999999999", "0.0000001",
      "-1", "2147483648", "9223372036854775808", "1.5", "0x10", "\"7\"", "null", "true");

  /** The mutation that adds a field the body's schema does not name. */
  static final String UNKNOWN_FIELD = "extra field";
  /** The name {@link #unknownFields} gives the field it adds. */
  static final String UNKNOWN_NAME = "fuzzUnknown";

  /** The first entries of the key list are working keys, the others revoked, made up, empty or missing. */
  static final int VALID_KEYS = 3;

  private final OpenAPI spec;
  private final List<ApiOperations.Op> ops;
  private final List<String> keys;
  private final List<Long> knownIds;
  private final List<String> knownPaths;
  private final JsonMapper json = JsonMapper.builder().build();
  private final RandomGenerator<String> unicode =
      Arbitraries.strings().all().ofMaxLength(40).edgeCases(e -> e.includeOnly("", " ")).generator(100);
  private final RandomGenerator<Long> longs = Arbitraries.longs().generator(100);
  private final RandomGenerator<Double> doubles = Arbitraries.doubles().generator(100);

  RequestFuzzer(ApiOperations api, List<String> keys, List<Long> knownIds, List<String> knownPaths) {
    this.spec = api.spec();
    this.ops = api.all();
    this.keys = keys;
    this.knownIds = knownIds;
    this.knownPaths = knownPaths;
  }

  FuzzedRequest next(Random random) {
    ApiOperations.Op op = ops.get(random.nextInt(ops.size()));
    // mostly working keys (reader, submitter, admin) so that requests get past authentication; the rest are bad keys
    String key = random.nextInt(4) > 0 ? keys.get(random.nextInt(VALID_KEYS)) : keys.get(random.nextInt(keys.size()));
    String method = random.nextInt(40) == 0 ? pick(random, List.of("PUT", "PATCH", "DELETE", "POST", "GET")) : op.method();
    String path = op.path();
    StringBuilder query = new StringBuilder();
    List<Parameter> params = op.operation().getParameters() == null ? List.of() : op.operation().getParameters();
    for (Parameter p : params) {
      Parameter param = p.get$ref() != null ? spec.getComponents().getParameters().get(refName(p.get$ref())) : p;
      String value = random.nextInt(4) == 0 ? fuzzString(random) : scalar(schema(param.getSchema()), random);
      if ("path".equals(param.getIn())) {
        path = path.replace("{" + param.getName() + "}", encode(value.isEmpty() ? "x" : value));
      } else if ("query".equals(param.getIn()) && random.nextInt(3) > 0) {
        query.append(query.isEmpty() ? "?" : "&").append(encode(param.getName())).append('=').append(encode(value));
      }
    }
    if (random.nextInt(20) == 0) {
      query.append(query.isEmpty() ? "?" : "&").append(encode(fuzzString(random))).append('=')
          .append(encode(fuzzString(random)));
    }
    String mutation = "none";
    String contentType = null;
    byte[] body = null;
    if (!method.equals("GET") && !method.equals("DELETE")) {
      Schema<?> bodySchema = bodySchema(op);
      JsonNode valid = bodySchema == null ? NODES.objectNode() : value(bodySchema, random, 0);
      contentType = random.nextInt(15) == 0
          ? pick(random, List.of("text/plain", "application/xml", "multipart/form-data; boundary=x", "", "application/json; charset=latin1"))
          : "application/json";
      int m = random.nextInt(12);
      String text;
      switch (m) {
        case 0, 1, 2 -> text = json.writeValueAsString(valid);
        case 3 -> {
          mutation = "wrong type";
          text = json.writeValueAsString(replaceRandomField(valid, random, wrongType(random)));
        }
        case 4 -> {
          mutation = "missing field";
          if (valid instanceof ObjectNode o && !o.isEmpty()) {
            o.remove(pick(random, new ArrayList<>(o.propertyNames())));
          }
          text = json.writeValueAsString(valid);
        }
        case 5 -> {
          // a body the operation reads must be refused; the one of an operation without a body is not read
          mutation = bodySchema == null ? "extra field, body not read" : UNKNOWN_FIELD;
          if (valid instanceof ObjectNode o) {
            o.put(fuzzString(random), fuzzString(random));
          }
          text = json.writeValueAsString(valid);
        }
        case 6 -> {
          mutation = "number literal";
          text = injectNumberLiteral(json.writeValueAsString(valid), random);
        }
        case 7 -> {
          mutation = "nasty string";
          text = json.writeValueAsString(replaceRandomField(valid, random, NODES.stringNode(fuzzString(random))));
        }
        case 8 -> {
          mutation = "truncated";
          String whole = json.writeValueAsString(valid);
          text = whole.substring(0, random.nextInt(Math.max(1, whole.length())));
        }
        case 9 -> {
          mutation = "not an object";
          text = pick(random, List.of("[]", "[{}]", "null", "42", "\"text\"", "", "{", "}", "{\"a\":", "[[[[[[[[[[[[",
              "{\"name\":\"\u0000\"}", "\uFEFF{}", "{\"a\":1,\"a\":2}"));
        }
        case 10 -> {
          mutation = "deep nesting";
          text = "{\"a\":".repeat(400) + "1" + "}".repeat(400);
        }
        default -> {
          mutation = "huge array";
          ObjectNode o = valid instanceof ObjectNode v ? v : NODES.objectNode();
          ArrayNode big = o.putArray(valid instanceof ObjectNode v && !v.isEmpty()
              ? pick(random, new ArrayList<>(v.propertyNames())) : "items");
          for (int i = 0; i < 2000; i++) {
            big.add(i % 7 == 0 ? NODES.numberNode(1e300) : NODES.numberNode(i));
          }
          text = json.writeValueAsString(o);
        }
      }
      body = text.getBytes(StandardCharsets.UTF_8);
      if (random.nextInt(60) == 0) {
        body = new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, 0, '{'}; // invalid UTF-8
        mutation = "invalid utf-8";
      }
    }
    return new FuzzedRequest(method, path + query, contentType, body, key, op.toString(), mutation);
  }

  /**
   * For every operation that reads a JSON body, and every object in a body that has all the schema's fields (arrays
   * of one item), the body with {@value #UNKNOWN_NAME} added to that object, first, so that it is the first thing
   * the service cannot read. The operation's path and the JSON path of the added field come with each.
   */
  List<UnknownFieldRequest> unknownFields(String key) {
    List<UnknownFieldRequest> out = new ArrayList<>();
    for (ApiOperations.Op op : ops) {
      Schema<?> bodySchema = bodySchema(op);
      if (bodySchema == null) {
        continue;
      }
      List<String> places = new ArrayList<>();
      objectPaths(complete(bodySchema), "", places);
      for (String place : places) {
        JsonNode body = complete(bodySchema);
        ObjectNode target = (ObjectNode) (place.isEmpty() ? body : body.at(pointer(place)));
        ObjectNode rest = target.deepCopy();
        target.removeAll();
        target.put(UNKNOWN_NAME, 1);
        target.setAll(rest);
        String field = place.isEmpty() ? UNKNOWN_NAME : place + "." + UNKNOWN_NAME;
        out.add(new UnknownFieldRequest(new FuzzedRequest(op.method(), op.concretePath(), "application/json",
            json.writeValueAsBytes(body), key, op.toString(), UNKNOWN_FIELD), field));
      }
    }
    return out;
  }

  /** For every operation that reads a JSON body, the body with every field its schema names, at every depth. */
  List<FuzzedRequest> completeBodies(String key) {
    List<FuzzedRequest> out = new ArrayList<>();
    for (ApiOperations.Op op : ops) {
      Schema<?> bodySchema = bodySchema(op);
      if (bodySchema != null) {
        out.add(new FuzzedRequest(op.method(), op.concretePath(), "application/json",
            json.writeValueAsBytes(complete(bodySchema)), key, op.toString(), "every field"));
      }
    }
    return out;
  }

  /** A request with a field its schema does not name, at {@code field} (e.g. {@code steering.fuzzUnknown}). */
  record UnknownFieldRequest(FuzzedRequest request, String field) {}

  /** A body with every field of the schema, arrays of one item, and well-typed plain values. */
  private JsonNode complete(Schema<?> s) {
    s = schema(s);
    String type = s.getType() != null ? s.getType() : (s.getProperties() != null ? "object" : "string");
    return switch (type) {
      case "object" -> {
        ObjectNode o = NODES.objectNode();
        Map<String, Schema> props = s.getProperties() == null ? Map.of() : s.getProperties();
        props.forEach((name, p) -> o.set(name, complete(p)));
        yield o;
      }
      case "array" -> NODES.arrayNode().add(complete(s.getItems()));
      case "integer" -> NODES.numberNode(s.getMinimum() == null ? 1 : s.getMinimum().longValue());
      case "number" -> NODES.numberNode(1.0);
      case "boolean" -> NODES.booleanNode(true);
      default -> NODES.stringNode(s.getEnum() != null && !s.getEnum().isEmpty() ? String.valueOf(s.getEnum().get(0))
          : "date-time".equals(s.getFormat()) ? "2030-01-01T00:00:00Z" : "x");
    };
  }

  /** The JSON paths (as the service writes them: {@code concepts[0].name}) of every object in {@code node}. */
  private static void objectPaths(JsonNode node, String path, List<String> out) {
    if (node instanceof ObjectNode o) {
      out.add(path);
      o.properties().forEach(e -> objectPaths(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), out));
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        objectPaths(a.get(i), path + "[" + i + "]", out);
      }
    }
  }

  private static String pointer(String path) {
    return "/" + path.replace(".", "/").replaceAll("\\[(\\d+)]", "/$1");
  }

  private JsonNode value(Schema<?> s, Random random, int depth) {
    s = schema(s);
    String type = s.getType() != null ? s.getType() : (s.getProperties() != null ? "object" : "string");
    switch (type) {
      case "object" -> {
        ObjectNode o = NODES.objectNode();
        Map<String, Schema> props = s.getProperties() == null ? Map.of() : s.getProperties();
        List<String> required = s.getRequired() == null ? List.of() : s.getRequired();
        for (Map.Entry<String, Schema> p : props.entrySet()) {
          if (depth < 4 && (required.contains(p.getKey()) || random.nextBoolean())) {
            o.set(p.getKey(), value(p.getValue(), random, depth + 1));
          }
        }
        return o;
      }
      case "array" -> {
        ArrayNode a = NODES.arrayNode();
        int n = random.nextInt(4);
        for (int i = 0; i < n && depth < 4; i++) {
          a.add(value(s.getItems(), random, depth + 1));
        }
        return a;
      }
      case "integer" -> {
        return NODES.numberNode(Long.parseLong(integer(s, random)));
      }
      case "number" -> {
        return NODES.numberNode(Double.parseDouble(number(s, random)));
      }
      case "boolean" -> {
        return NODES.booleanNode(random.nextBoolean());
      }
      default -> {
        return NODES.stringNode(string(s, random));
      }
    }
  }

  private String scalar(Schema<?> s, Random random) {
    if (s == null) {
      return fuzzString(random);
    }
    return switch (s.getType() == null ? "string" : s.getType()) {
      case "integer" -> integer(s, random);
      case "number" -> number(s, random);
      case "boolean" -> Boolean.toString(random.nextBoolean());
      default -> string(s, random);
    };
  }

  private String integer(Schema<?> s, Random random) {
    int choice = random.nextInt(6);
    if (choice <= 1 && !knownIds.isEmpty()) {
      return Long.toString(pick(random, knownIds));
    }
    if (choice <= 3 && s.getMinimum() != null) {
      long min = s.getMinimum().longValue();
      long max = s.getMaximum() == null ? min + 100 : s.getMaximum().longValue();
      return Long.toString(min + (long) (random.nextDouble() * (max - min + 1)));
    }
    return Long.toString(longs.next(random).value());
  }

  private String number(Schema<?> s, Random random) {
    if (random.nextBoolean() && s.getMinimum() != null) {
      BigDecimal min = s.getMinimum();
      BigDecimal max = s.getMaximum() == null ? min.add(BigDecimal.TEN) : s.getMaximum();
      return Double.toString(min.doubleValue() + random.nextDouble() * (max.doubleValue() - min.doubleValue()));
    }
    double d = doubles.next(random).value();
    return Double.isFinite(d) ? Double.toString(d) : "0";
  }

  private String string(Schema<?> s, Random random) {
    if (s.getEnum() != null && !s.getEnum().isEmpty() && random.nextInt(5) > 0) {
      return String.valueOf(s.getEnum().get(random.nextInt(s.getEnum().size())));
    }
    if ("date-time".equals(s.getFormat()) && random.nextBoolean()) {
      return random.nextBoolean() ? "2030-01-01T00:00:00Z" : "2001-01-01T00:00:00Z";
    }
    if (!knownPaths.isEmpty() && random.nextInt(6) == 0) {
      return pick(random, knownPaths);
    }
    return random.nextInt(3) == 0 ? fuzzString(random) : "fz" + Long.toString(random.nextLong() & 0xffffff, 36);
  }

  private String fuzzString(Random random) {
    return random.nextBoolean() ? pick(random, NASTY_STRINGS) : unicode.next(random).value();
  }

  private JsonNode wrongType(Random random) {
    return switch (random.nextInt(6)) {
      case 0 -> NODES.stringNode("not-a-number");
      case 1 -> NODES.numberNode(random.nextInt());
      case 2 -> NODES.booleanNode(true);
      case 3 -> NODES.arrayNode().add(1).add("two");
      case 4 -> NODES.objectNode().put("nested", 1);
      default -> NODES.nullNode();
    };
  }

  private static JsonNode replaceRandomField(JsonNode node, Random random, JsonNode replacement) {
    if (node instanceof ObjectNode o && !o.isEmpty()) {
      List<String> names = new ArrayList<>(o.propertyNames());
      o.set(names.get(random.nextInt(names.size())), replacement);
      return o;
    }
    return replacement;
  }

  /** Puts a number-like literal where a value stands, including ones that are not valid JSON (NaN, 0x10). */
  private String injectNumberLiteral(String text, Random random) {
    List<Integer> colons = new ArrayList<>();
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == ':') {
        colons.add(i);
      }
    }
    if (colons.isEmpty()) {
      return "{\"x\":" + pick(random, NUMBER_LITERALS) + "}";
    }
    int at = pick(random, colons) + 1;
    int end = at;
    int depth = 0;
    boolean inString = false;
    while (end < text.length()) {
      char c = text.charAt(end);
      if (c == '"' && (end == 0 || text.charAt(end - 1) != '\\')) {
        inString = !inString;
      } else if (!inString && (c == '{' || c == '[')) {
        depth++;
      } else if (!inString && (c == '}' || c == ']')) {
        if (depth == 0) {
          break;
        }
        depth--;
      } else if (!inString && c == ',' && depth == 0) {
        break;
      }
      end++;
    }
    return text.substring(0, at) + pick(random, NUMBER_LITERALS) + text.substring(end);
  }

  private Schema<?> bodySchema(ApiOperations.Op op) {
    var body = op.operation().getRequestBody();
    if (body == null || body.getContent() == null) {
      return null;
    }
    var media = body.getContent().get("application/json");
    return media == null ? null : schema(media.getSchema());
  }

  private Schema<?> schema(Schema<?> s) {
    while (s != null && s.get$ref() != null) {
      s = spec.getComponents().getSchemas().get(refName(s.get$ref()));
    }
    return s;
  }

  private static String refName(String ref) {
    return ref.substring(ref.lastIndexOf('/') + 1);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static <T> T pick(Random random, List<T> list) {
    return list.get(random.nextInt(list.size()));
  }
}
