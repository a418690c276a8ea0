package io.snmfservice.ui;

import io.snmfservice.errors.Invalid;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import org.springframework.util.MultiValueMap;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a dashboard form into the same request record the REST API takes, checked by the same Bean Validation
 * constraints, so a form and a JSON POST are refused for the same reasons and with the same detail.
 */
@Component
class Forms {

  /** Constraints whose violation means "the field is missing" (400) rather than "out of range" (422). */
  private static final Set<String> PRESENCE = Set.of("NotNull", "NotBlank", "NotEmpty");

  private final JsonMapper json;
  private final Validator validator;

  Forms(JsonMapper json, Validator validator) {
    this.json = json;
    this.validator = validator;
  }

  /** Form fields (empty ones left out) as a typed map builder. */
  static Values of(MultiValueMap<String, String> form) {
    return new Values(form);
  }

  <T> T bind(Map<String, Object> values, Class<T> type) {
    T request;
    try {
      request = json.convertValue(values, type);
    } catch (RuntimeException e) {
      throw Invalid.malformed("the form does not fit the request: " + e.getMessage());
    }
    Set<ConstraintViolation<T>> violations = validator.validate(request);
    if (!violations.isEmpty()) {
      boolean missing = violations.stream()
          .anyMatch(v -> PRESENCE.contains(v.getConstraintDescriptor().getAnnotation().annotationType().getSimpleName()));
      String detail = violations.stream().map(v -> v.getPropertyPath() + ": " + v.getMessage()).sorted()
          .collect(Collectors.joining("; "));
      throw missing ? Invalid.malformed(detail) : Invalid.value(detail);
    }
    return request;
  }

  /** Reads form fields with the type the request record expects; a malformed number is a 400 naming the field. */
  static final class Values {
    private final MultiValueMap<String, String> form;
    private final Map<String, Object> out = new LinkedHashMap<>();

    private Values(MultiValueMap<String, String> form) {
      this.form = form;
    }

    private String raw(String name) {
      String v = form.getFirst(name);
      return v == null || v.isBlank() ? null : v.strip();
    }

    Values text(String name) {
      String v = form.getFirst(name);
      if (v != null && !v.isEmpty()) {
        out.put(name, v);
      }
      return this;
    }

    Values integer(String name) {
      String v = raw(name);
      if (v != null) {
        try {
          out.put(name, Long.parseLong(v));
        } catch (NumberFormatException e) {
          throw Invalid.malformed(name + ": '" + v + "' is not a whole number");
        }
      }
      return this;
    }

    Values number(String name) {
      String v = raw(name);
      if (v != null) {
        try {
          out.put(name, Double.parseDouble(v));
        } catch (NumberFormatException e) {
          throw Invalid.malformed(name + ": '" + v + "' is not a number");
        }
      }
      return this;
    }

    Values bool(String name) {
      if (raw(name) != null) {
        out.put(name, true);
      }
      return this;
    }

    /** A comma- or space-separated list of whole numbers. */
    Values integers(String name) {
      String v = raw(name);
      if (v != null) {
        try {
          out.put(name, Arrays.stream(v.split("[,\\s]+")).filter(s -> !s.isEmpty()).map(Long::parseLong).toList());
        } catch (NumberFormatException e) {
          throw Invalid.malformed(name + ": '" + v + "' is not a list of whole numbers");
        }
      }
      return this;
    }

    /** A comma- or space-separated list of numbers. */
    Values numbers(String name) {
      String v = raw(name);
      if (v != null) {
        try {
          out.put(name, Arrays.stream(v.split("[,\\s]+")).filter(s -> !s.isEmpty()).map(Double::parseDouble).toList());
        } catch (NumberFormatException e) {
          throw Invalid.malformed(name + ": '" + v + "' is not a list of numbers");
        }
      }
      return this;
    }

    /** Non-empty lines of a text area. */
    Values lines(String name) {
      String v = form.getFirst(name);
      if (v != null && !v.isBlank()) {
        out.put(name, v.lines().map(String::strip).filter(s -> !s.isEmpty()).toList());
      }
      return this;
    }

    Values put(String name, Object value) {
      out.put(name, value);
      return this;
    }

    Long longValue(String name) {
      return (Long) out.get(name);
    }

    @SuppressWarnings("unchecked")
    List<Object> list(String name) {
      return (List<Object>) out.get(name);
    }

    Map<String, Object> map() {
      return out;
    }
  }
}
