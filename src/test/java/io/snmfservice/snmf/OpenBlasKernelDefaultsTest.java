package io.snmfservice.snmf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.snmfservice.support.SlowTest;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's OpenBLAS kernel choice, in child JVMs (OpenBLAS reads its core type once per process, so one JVM
 * cannot compare two). This test never sets OPENBLAS_CORETYPE: the children either inherit this JVM's environment
 * unchanged or run without the variable, as a user who never heard of it would.
 */
@SlowTest
class OpenBlasKernelDefaultsTest {

  private static final Pattern CORE = Pattern.compile("Core: (\\S+)");

  @TempDir Path dir;

  private record Child(String output, float[] product, String core) {}

  private Child run(String mode, boolean withoutVariable) throws IOException, InterruptedException {
    Path out = dir.resolve(mode + (withoutVariable ? "-unset" : "-inherited") + ".bin");
    List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-cp", System.getProperty("java.class.path"), GemmKernelsProbe.class.getName(), mode, out.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    if (withoutVariable) {
      env.remove(OpenBlasCoreCheck.VARIABLE);
    }
    env.put("OPENBLAS_VERBOSE", "2"); // OpenBLAS prints "Core: <name>" when it loads
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    float[] product;
    try (DataInputStream in = new DataInputStream(Files.newInputStream(out))) {
      product = new float[in.readInt()];
      for (int i = 0; i < product.length; i++) {
        product[i] = in.readFloat();
      }
    }
    Matcher m = CORE.matcher(output);
    return new Child(output, product, m.find() ? m.group(1) : null);
  }

  @Test
  void launcherKernelsGiveTheSameProductAsTheDefaultKernels() throws Exception {
    Child defaults = run("default", true);
    Child launched = run("launcher", true);
    boolean misdetected = OpenBlasCoreCheck.needsAvx512Override(Path.of("/proc/cpuinfo"));
    if (misdetected) {
      assertThat(launched.core()).as(launched.output()).isEqualTo(OpenBlasCoreCheck.AVX512_CORE);
      assertThat(defaults.core()).as(defaults.output()).isNotEqualTo(OpenBlasCoreCheck.AVX512_CORE);
    } else {
      assertThat(launched.core()).as(launched.output()).isEqualTo(defaults.core());
    }
    double scale = 0;
    for (float v : defaults.product()) {
      scale = Math.max(scale, Math.abs(v));
    }
    assertThat(launched.product()).hasSameSizeAs(defaults.product());
    for (int i = 0; i < defaults.product().length; i++) {
      // the same sums in a different order: float rounding only (K = 311 terms of N(0,1) products)
      assertThat((double) Math.abs(launched.product()[i] - defaults.product()[i])).as("entry " + i).isLessThan(1e-5 * scale);
    }
  }

  @Test
  void aCoreTypeAlreadyInTheEnvironmentIsKept() throws Exception {
    String inherited = System.getenv(OpenBlasCoreCheck.VARIABLE);
    assumeTrue(inherited != null, "OPENBLAS_CORETYPE is not set for this test run");
    Child launched = run("launcher", false);
    assertThat(launched.output()).contains("CORETYPE=" + inherited);
    if (launched.core() != null) {
      assertThat(launched.core()).isEqualToIgnoringCase(inherited);
    }
  }

  @Test
  void onlyAmdCpusWithFullAvx512NeedTheOverride(@TempDir Path tmp) throws IOException {
    String avx512 = "flags\t\t: fpu sse avx2 avx512f avx512dq avx512cd avx512bw avx512vl\n";
    Path zen5 = Files.writeString(tmp.resolve("zen5"), "vendor_id\t: AuthenticAMD\n" + avx512);
    Path zen3 = Files.writeString(tmp.resolve("zen3"), "vendor_id\t: AuthenticAMD\nflags\t\t: fpu sse avx2 fma\n");
    Path intel = Files.writeString(tmp.resolve("intel"), "vendor_id\t: GenuineIntel\n" + avx512);
    Path partial = Files.writeString(tmp.resolve("partial"), "vendor_id\t: AuthenticAMD\nflags\t\t: avx2 avx512f\n");
    assertThat(OpenBlasCoreCheck.needsAvx512Override(zen5)).isTrue();
    assertThat(OpenBlasCoreCheck.needsAvx512Override(zen3)).isFalse();
    assertThat(OpenBlasCoreCheck.needsAvx512Override(intel)).isFalse();
    assertThat(OpenBlasCoreCheck.needsAvx512Override(partial)).isFalse();
    assertThat(OpenBlasCoreCheck.needsAvx512Override(tmp.resolve("missing"))).isFalse();
  }
}
