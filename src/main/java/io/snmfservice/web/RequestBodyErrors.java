package io.snmfservice.web;

import java.util.regex.Pattern;
import org.springframework.http.converter.HttpMessageNotReadableException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/** Turns a body that could not be read into a sentence naming the field and what was expected. */
final class RequestBodyErrors {

  /** Jackson's messages for the limits that bound a body's size (the others, depth and number length, are 400). */
  private static final Pattern SIZE_LIMIT = Pattern.compile("(?i)document length|token count|string value length");

  private RequestBodyErrors() {}

  /** Whether the body was refused for its size: too many bytes, or too many JSON tokens or characters. */
  static boolean tooLarge(HttpMessageNotReadableException e) {
    if (bodyTooLarge(e) != null) {
      return true;
    }
    return e.getMostSpecificCause() instanceof StreamConstraintsException c && SIZE_LIMIT.matcher(
        String.valueOf(c.getOriginalMessage())).find();
  }

  static String describe(HttpMessageNotReadableException e) {
    BodyTooLargeException tooLarge = bodyTooLarge(e);
    if (tooLarge != null) {
      return tooLarge.getMessage() + " (snmf.web.max-request-bytes)";
    }
    Throwable cause = e.getMostSpecificCause();
    if (cause instanceof StreamConstraintsException c) {
      return "request body is beyond the service's JSON limits: " + constraint(c.getOriginalMessage());
    }
    if (cause instanceof UnrecognizedPropertyException u) {
      return UnknownField.describe(path(u), u.getPropertyName(), u.getKnownPropertyIds());
    }
    if (cause instanceof InvalidFormatException f) {
      return "field '" + path(f) + "' has an invalid value " + quote(f.getValue())
          + (f.getTargetType() == null ? "" : ", expected " + typeName(f.getTargetType()));
    }
    if (cause instanceof MismatchedInputException m) {
      String where = path(m);
      return where.isEmpty()
          ? "request body has the wrong shape: expected " + typeName(m.getTargetType())
          : "field '" + where + "' has the wrong type, expected " + typeName(m.getTargetType());
    }
    if (cause instanceof JacksonException j) {
      return "malformed JSON: " + j.getOriginalMessage();
    }
    return "request body is missing or unreadable";
  }

  /** Jackson's sentence with the setting that sets the limit instead of Jackson's method name. */
  private static String constraint(String message) {
    String m = String.valueOf(message);
    String setting = m.contains("nesting depth") ? "snmf.web.max-json-depth"
        : m.contains("Token count") ? "snmf.web.max-json-tokens"
        : m.contains("Number value length") ? "snmf.web.max-json-number-length"
        : "snmf.web.max-request-bytes";
    return m.replaceFirst(", from .*$", ", " + setting + ")");
  }

  private static BodyTooLargeException bodyTooLarge(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof BodyTooLargeException b) {
        return b;
      }
    }
    return null;
  }

  private static String path(JacksonException e) {
    StringBuilder sb = new StringBuilder();
    for (JacksonException.Reference ref : e.getPath()) {
      if (ref.getPropertyName() != null) {
        if (!sb.isEmpty()) {
          sb.append('.');
        }
        sb.append(ref.getPropertyName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static String quote(Object value) {
    return value instanceof String ? "'" + value + "'" : String.valueOf(value);
  }

  private static String typeName(Class<?> type) {
    if (type == null) {
      return "another type";
    }
    if (type.isEnum()) {
      StringBuilder values = new StringBuilder();
      for (Object c : type.getEnumConstants()) {
        values.append(values.isEmpty() ? "" : ", ").append(c.toString().toLowerCase().replace('_', '-'));
      }
      return "one of [" + values + "]";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "an integer";
    }
    if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type.isArray() || java.util.Collection.class.isAssignableFrom(type)) {
      return "an array";
    }
    return "an object";
  }
}
