package io.snmfservice.storage;

import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import org.springframework.jdbc.core.JdbcTemplate;

/** Conversions between Java values and what PostgreSQL stores: arrays of numbers and NUL-free text. */
public final class SqlValues {

  private SqlValues() {}

  /** PostgreSQL text and jsonb cannot hold NUL, which byte-level tokens may decode to. */
  public static String text(String value) {
    return value == null ? null : value.replace('\u0000', '\uFFFD');
  }

  public static String[] texts(String[] values) {
    String[] out = new String[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = text(values[i]);
    }
    return out;
  }

  /** A SQL array of {@code type} (e.g. {@code real}, {@code integer}) on the current (transaction's) connection. */
  public static Array array(JdbcTemplate jdbc, String type, Object[] values) {
    return jdbc.execute((Connection c) -> c.createArrayOf(type, values));
  }

  public static Double[] boxed(double[] values) {
    Double[] out = new Double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  public static Float[] boxed(float[] values) {
    Float[] out = new Float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  public static Integer[] boxed(int[] values) {
    Integer[] out = new Integer[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  /** A SQL {@code real[]} (or any numeric array) as floats. */
  public static float[] floats(Array array) {
    Object[] values = values(array);
    float[] out = new float[values.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((Number) values[i]).floatValue();
    }
    return out;
  }

  /** A SQL {@code integer[]} as ints. */
  public static int[] ints(Array array) {
    Object[] values = values(array);
    int[] out = new int[values.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((Number) values[i]).intValue();
    }
    return out;
  }

  private static Object[] values(Array array) {
    try {
      return (Object[]) array.getArray();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read SQL array", e);
    }
  }
}
