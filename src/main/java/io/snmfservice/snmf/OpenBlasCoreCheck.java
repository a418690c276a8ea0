package io.snmfservice.snmf;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * OpenBLAS 0.3.19 (the build ND4J 1.0.0-M2.1 ships) predates AMD Zen 4/5: it does not recognise
 * them and falls back to its AVX2 "Haswell" kernels although the CPU has AVX-512. Measured on a
 * 2-core Zen 5 VM: 2048³ SGEMM 119 GFLOP/s as detected, 450 GFLOP/s with OPENBLAS_CORETYPE=SkylakeX.
 * The variable is read once, when the library loads, so it must be in the process environment by then:
 * {@link #preferAvx512Kernels()} puts it there from the service's {@code main} (before any native library
 * loads), and {@link #warnIfSlowKernels()} warns once where that did not happen.
 */
public final class OpenBlasCoreCheck {

  /** The variable OpenBLAS reads. */
  public static final String VARIABLE = "OPENBLAS_CORETYPE";
  /** OpenBLAS's AVX-512 kernel set (Skylake-X and later; runs on every CPU with AVX-512 F/BW/DQ/VL/CD). */
  public static final String AVX512_CORE = "SkylakeX";
  /** Set to {@code false} (system property, or SNMF_OPENBLAS_AUTO_CORETYPE) to leave OpenBLAS's choice alone. */
  public static final String OPT_OUT = "snmf.openblas.auto-coretype";

  private static volatile boolean done;

  private OpenBlasCoreCheck() {}

  /** The C library's environment functions (Java's System.getenv is a snapshot taken at JVM start). */
  interface LibC extends Library {
    int setenv(String name, String value, int overwrite);

    String getenv(String name);
  }

  /**
   * On Linux x86-64 with an AMD CPU that has AVX-512 and no {@value #VARIABLE} set, sets it to
   * {@value #AVX512_CORE} in this process's environment, so the OpenBLAS that ND4J loads later uses its AVX-512
   * kernels. Never overrides a value that is already set (setenv without overwrite). Call it first thing in
   * {@code main}, while no other thread reads the environment and before ND4J loads; tests never call it.
   *
   * @return the core type now in the environment, or null when none is set
   */
  public static String preferAvx512Kernels() {
    String current = nativeGetenv(VARIABLE);
    if (current != null || !optedIn() || !linuxX86()) {
      return current;
    }
    if (!needsAvx512Override(Path.of("/proc/cpuinfo"))) {
      return null;
    }
    try {
      libc().setenv(VARIABLE, AVX512_CORE, 0);
      return nativeGetenv(VARIABLE);
    } catch (LinkageError | RuntimeException e) {
      return null; // no usable C library: the warning below still tells the operator
    }
  }

  /** The CPUs OpenBLAS 0.3.19 sends to its AVX2 kernels although they have AVX-512. */
  static boolean needsAvx512Override(Path cpuinfo) {
    return amdWithAvx512(cpuinfo);
  }

  private static boolean optedIn() {
    String property = System.getProperty(OPT_OUT);
    String env = System.getenv("SNMF_OPENBLAS_AUTO_CORETYPE");
    return !"false".equalsIgnoreCase(property) && !"false".equalsIgnoreCase(env);
  }

  private static boolean linuxX86() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    return os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
  }

  private static LibC libc() {
    return Native.load("c", LibC.class);
  }

  /** The live process environment (what OpenBLAS will read), falling back to Java's snapshot. */
  static String nativeGetenv(String name) {
    if (linuxX86()) {
      try {
        return libc().getenv(name);
      } catch (LinkageError | RuntimeException e) {
        // fall back to the snapshot
      }
    }
    return System.getenv(name);
  }

  /** The core type OpenBLAS will be (or was) told to use, null when it detects the CPU itself. */
  public static String coreTypeInEnvironment() {
    return nativeGetenv(VARIABLE);
  }

  static void warnIfSlowKernels() {
    if (done) {
      return;
    }
    done = true;
    if (nativeGetenv(VARIABLE) != null) {
      return;
    }
    if (amdWithAvx512(Path.of("/proc/cpuinfo"))) {
      System.getLogger(OpenBlasCoreCheck.class.getName()).log(System.Logger.Level.WARNING,
          "AMD CPU with AVX-512: ND4J's OpenBLAS 0.3.19 will use its AVX2 kernels; start the JVM with "
              + "OPENBLAS_CORETYPE=SkylakeX in the environment (or through the service's main) for about 3x "
              + "faster SNMF GEMMs");
    }
  }

  static boolean amdWithAvx512(Path cpuinfo) {
    try {
      List<String> lines = Files.readAllLines(cpuinfo);
      boolean amd = lines.stream().anyMatch(l -> l.startsWith("vendor_id") && l.contains("AuthenticAMD"));
      boolean avx512 = lines.stream().anyMatch(l -> l.startsWith("flags") && hasAll(l,
          " avx512f", " avx512bw", " avx512dq", " avx512vl", " avx512cd"));
      return amd && avx512;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static boolean hasAll(String flags, String... wanted) {
    String padded = flags + " ";
    for (String w : wanted) {
      if (!padded.contains(w + " ")) {
        return false;
      }
    }
    return true;
  }
}
