package io.snmfservice.comparisons;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Writes CSV lines (RFC 4180 quoting) that a spreadsheet cannot run: a text cell starting with {@code =}, {@code +},
 * {@code -}, {@code @}, a tab or a carriage return would be read as a formula, so it gets a leading apostrophe, as
 * OWASP recommends for CSV injection. Numbers stay numbers ({@code -0.5} is a value, not a formula). Concept names
 * and candidate labels come from clients, so every cell is treated this way.
 */
final class CsvCells {

  private static final Pattern NUMBER = Pattern.compile("[-+]?((\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?|Infinity|NaN)");

  private CsvCells() {}

  static void line(StringBuilder out, List<String> cells) {
    for (int i = 0; i < cells.size(); i++) {
      out.append(i == 0 ? "" : ",").append(cell(cells.get(i)));
    }
    out.append("\r\n");
  }

  static String cell(String value) {
    String v = neutralised(value);
    boolean quote = v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r") || !v.equals(value);
    return quote ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
  }

  private static String neutralised(String v) {
    // a lone sign (the steering sign column's "+" and "-") has nothing for a formula to run
    if (v.length() < 2 || NUMBER.matcher(v).matches() || "=+-@\t\r".indexOf(v.charAt(0)) < 0) {
      return v;
    }
    return "'" + v;
  }
}
