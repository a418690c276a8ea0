package io.snmfservice.web;

import org.springframework.http.converter.HttpMessageNotReadableException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/** Turns a body that could not be read into a sentence naming the field and what was expected. */
final class RequestBodyErrors {

  private RequestBodyErrors() {}

  static String describe(HttpMessageNotReadableException e) {
    Throwable cause = e.getMostSpecificCause();
    if (cause instanceof UnrecognizedPropertyException u) {
      return "unknown field '" + u.getPropertyName() + "'";
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
