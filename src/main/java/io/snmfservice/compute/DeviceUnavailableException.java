package io.snmfservice.compute;

/** The configured device cannot be used; thrown at startup so a GPU node never silently runs on the CPU. */
public class DeviceUnavailableException extends IllegalStateException {

  public DeviceUnavailableException(String message) {
    super(message);
  }

  public DeviceUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
