package io.snmfservice.compute;

import ai.djl.Device;
import java.util.Locale;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns {@code snmf.device} into a DJL device, given how many GPUs the PyTorch engine can use. */
public final class DeviceChoice {

  private static final Pattern CUDA = Pattern.compile("cuda(?::(\\d+))?");

  private DeviceChoice() {}

  /**
   * @throws DeviceUnavailableException for a GPU that is asked for but absent, or a setting that is not one of
   *     auto, cpu, cuda, cuda:N
   */
  public static Device resolve(String setting, IntSupplier gpuCount) {
    String s = setting == null ? "auto" : setting.trim().toLowerCase(Locale.ROOT);
    if (s.equals("cpu")) {
      return Device.cpu();
    }
    if (s.equals("auto")) {
      return gpuCount.getAsInt() > 0 ? Device.gpu(0) : Device.cpu();
    }
    Matcher m = CUDA.matcher(s);
    if (!m.matches()) {
      throw new DeviceUnavailableException("snmf.device must be auto, cpu, cuda or cuda:N, got '" + setting + "'");
    }
    int index = m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
    int count = gpuCount.getAsInt();
    if (count == 0) {
      throw new DeviceUnavailableException("snmf.device=" + setting + " asks for a GPU, but DJL's PyTorch engine "
          + "reports no CUDA device (is the NVIDIA driver visible and a CUDA build of libtorch installed?). "
          + "Set snmf.device=cpu (or auto) to run on the CPU.");
    }
    if (index >= count) {
      throw new DeviceUnavailableException("snmf.device=" + setting + " asks for GPU " + index + ", but DJL's "
          + "PyTorch engine reports " + count + " (cuda:0 to cuda:" + (count - 1) + ").");
    }
    return Device.gpu(index);
  }
}
