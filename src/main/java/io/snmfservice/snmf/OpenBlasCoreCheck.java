package io.snmfservice.snmf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * OpenBLAS 0.3.19 (the build ND4J 1.0.0-M2.1 ships) predates AMD Zen 4/5: it does not recognise
 * them and falls back to its AVX2 "Haswell" kernels although the CPU has AVX-512. Measured on a
 * 2-core Zen 5 VM: 2048³ SGEMM 119 GFLOP/s as detected, 450 GFLOP/s with OPENBLAS_CORETYPE=SkylakeX.
 * The variable is read when the library loads, so it must be set in the process environment; this
 * check only warns once when it is missing on such a CPU.
 */
final class OpenBlasCoreCheck {

  private static volatile boolean done;

  private OpenBlasCoreCheck() {}

  static void warnIfSlowKernels() {
    if (done) {
      return;
    }
    done = true;
    if (System.getenv("OPENBLAS_CORETYPE") != null) {
      return;
    }
    if (amdWithAvx512(Path.of("/proc/cpuinfo"))) {
      System.getLogger(OpenBlasCoreCheck.class.getName()).log(System.Logger.Level.WARNING,
          "AMD CPU with AVX-512: ND4J's OpenBLAS 0.3.19 will use its AVX2 kernels; start the JVM with "
              + "OPENBLAS_CORETYPE=SkylakeX in the environment for about 3x faster SNMF GEMMs");
    }
  }

  static boolean amdWithAvx512(Path cpuinfo) {
    try {
      List<String> lines = Files.readAllLines(cpuinfo);
      boolean amd = lines.stream().anyMatch(l -> l.startsWith("vendor_id") && l.contains("AuthenticAMD"));
      boolean avx512 = lines.stream().anyMatch(l -> l.startsWith("flags") && l.contains(" avx512f"));
      return amd && avx512;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
