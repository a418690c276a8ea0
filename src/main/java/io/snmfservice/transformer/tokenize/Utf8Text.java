package io.snmfservice.transformer.tokenize;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Turns token bytes into text: valid UTF-8 becomes characters, stray bytes are shown as {@code <0xNN>}. */
final class Utf8Text {

  private Utf8Text() {
  }

  static String decode(byte[] bytes) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length * 6 + 8);
    while (true) {
      CoderResult result = decoder.decode(in, out, true);
      if (result.isUnderflow()) {
        decoder.flush(out);
        break;
      }
      if (!result.isError()) {
        throw new IllegalStateException("output buffer too small for " + bytes.length + " bytes");
      }
      for (int i = 0; i < result.length(); i++) {
        out.put(byteLabel(in.get()));
      }
    }
    out.flip();
    return out.toString();
  }

  static String byteLabel(byte b) {
    return String.format(Locale.ROOT, "<0x%02X>", b & 0xFF);
  }

  /** Collects bytes; small helper so decoders read top to bottom. */
  static final class Bytes {
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    void add(byte[] bytes) {
      buffer.writeBytes(bytes);
    }

    void add(int b) {
      buffer.write(b);
    }

    String text() {
      return decode(buffer.toByteArray());
    }
  }
}
