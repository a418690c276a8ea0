package io.snmfservice.ui;

import java.util.Locale;
import org.springframework.stereotype.Component;

/**
 * Shows a single token so a reader can see it: spaces as "␣", newlines and tabs as symbols, control characters
 * as {@code <0xNN>} (they would otherwise be invisible or drawn as empty boxes). Used in templates as
 * {@code ${@tokenText.show(t)}}.
 */
@Component("tokenText")
class TokenText {

  public String show(String token) {
    if (token == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(token.length());
    token.codePoints().forEach(c -> {
      switch (c) {
        case ' ' -> out.append('\u2423');
        case '\n' -> out.append('\u21b5');
        case '\t' -> out.append('\u21e5');
        case '\r' -> out.append("\\r");
        default -> {
          if (Character.getType(c) == Character.CONTROL || Character.getType(c) == Character.FORMAT) {
            out.append(String.format(Locale.ROOT, "<0x%02X>", c));
          } else {
            out.appendCodePoint(c);
          }
        }
      }
    });
    return out.toString();
  }
}
