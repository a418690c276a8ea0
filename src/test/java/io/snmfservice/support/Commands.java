package io.snmfservice.support;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Whether a tool a test drives is installed and works here. */
public final class Commands {

  private Commands() {}

  /** True when the command runs and exits 0 within 20 s. */
  public static boolean succeeds(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
