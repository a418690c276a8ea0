package io.snmfservice.comparisons;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CsvCellsTest {

  @Test
  void textThatASpreadsheetWouldRunIsNeutralised() {
    assertThat(CsvCells.cell("=HYPERLINK(\"http://x\",\"y\")")).isEqualTo("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
    assertThat(CsvCells.cell("+1+cmd")).isEqualTo("\"'+1+cmd\"");
    assertThat(CsvCells.cell("-2+3")).isEqualTo("\"'-2+3\"");
    assertThat(CsvCells.cell("@SUM(A1)")).isEqualTo("\"'@SUM(A1)\"");
    assertThat(CsvCells.cell("\tx")).isEqualTo("\"'\tx\"");
    assertThat(CsvCells.cell("\r=x")).isEqualTo("\"'\r=x\"");
  }

  @Test
  void numbersAndPlainTextStayAsTheyAre() {
    for (String v : List.of("-0.5", "+3", "1e-3", "-1.25E+2", ".5", "-Infinity", "NaN", "snmf", "feature 12", "",
        "+", "-")) {
      assertThat(CsvCells.cell(v)).as(v).isEqualTo(v);
    }
    assertThat(CsvCells.cell("a,b")).isEqualTo("\"a,b\"");
    assertThat(CsvCells.cell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
  }

  @Test
  void aLineJoinsCellsWithCommasAndEndsWithCrLf() {
    StringBuilder out = new StringBuilder();
    CsvCells.line(out, List.of("sae", "=1+1", "-0.25"));
    assertThat(out).hasToString("sae,\"'=1+1\",-0.25\r\n");
  }
}
