package io.snmfservice.activations.store;

/** Element type of an activation file; the code is the value stored in the header. */
public enum DType {
  FLOAT32(0, 4),
  FLOAT16(1, 2);

  private final int code;
  private final int bytes;

  DType(int code, int bytes) {
    this.code = code;
    this.bytes = bytes;
  }

  public int code() {
    return code;
  }

  /** Bytes per element. */
  public int bytes() {
    return bytes;
  }

  static DType fromCode(int code) {
    for (DType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    throw new ActivationFormatException("unknown dtype code " + code);
  }
}
