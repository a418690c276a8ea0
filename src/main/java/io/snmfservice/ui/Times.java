package io.snmfservice.ui;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.springframework.stereotype.Component;

/** Shows an instant to the second in UTC ({@code 2026-03-01 14:05:09 UTC}); templates: {@code ${@times.show(t)}}. */
@Component("times")
class Times {

  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  public String show(Instant t) {
    return t == null ? "" : FORMAT.format(t);
  }
}
