package io.snmfservice.steering;

/** Direction of steering: add +α·z or −α·z (the paper steers both ways). */
public enum SteeringSign {
  POSITIVE(1),
  NEGATIVE(-1);

  private final int factor;

  SteeringSign(int factor) {
    this.factor = factor;
  }

  /** +1 or −1. */
  public int factor() {
    return factor;
  }
}
