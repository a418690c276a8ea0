package io.snmfservice.features.read;

import java.util.function.Supplier;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** A prepared answer ({@link PreparedReads}) sent as the JSON it is, with the content type Jackson's answers carry. */
final class PreparedAnswer {

  private PreparedAnswer() {}

  static ResponseEntity<?> of(byte[] json) {
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(json);
  }

  /** The prepared answer, or the query path's where none was prepared. */
  static ResponseEntity<?> orElse(byte[] json, Supplier<Object> query) {
    return json != null ? of(json) : ResponseEntity.ok(query.get());
  }
}
