package io.snmfservice.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.snmfservice.support.Commands;
import io.snmfservice.support.ServiceTest;
import io.snmfservice.support.SlowTest;
import io.snmfservice.support.TestKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

/**
 * Runs the Python client's own tests ({@code python3 -m unittest} in clients/python, including its example) against
 * this live service, so {@code ./mvnw test} checks the client from outside the JVM.
 */
@SlowTest
@ServiceTest
class PythonClientTest {

  /** The key the clients send: the test service's admin key (the tests register models from server paths). */
  static final String API_KEY = TestKeys.ADMIN;

  @Value("${local.server.port}")
  int port;

  @Test
  void thePythonClientsTestsAndExamplePassAgainstTheLiveService() throws IOException, InterruptedException {
    assumeTrue(Commands.succeeds("python3", "--version"),
        "python3 is not on the PATH: the Python client's tests cannot run here");
    Path dir = Path.of("clients", "python").toAbsolutePath();
    ProcessBuilder builder = new ProcessBuilder("python3", "-m", "unittest", "discover", "-s", "tests", "-v")
        .directory(dir.toFile()).redirectErrorStream(true);
    builder.environment().put("SNMF_URL", "http://127.0.0.1:" + port);
    builder.environment().put("SNMF_API_KEY", API_KEY);
    builder.environment().put("SNMF_SHARED", Path.of("..", "shared").toAbsolutePath().normalize().toString());
    builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    long start = System.nanoTime();
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    boolean finished = process.waitFor(10, TimeUnit.MINUTES);
    System.out.printf("Python client tests (%.1f s):%n%s%n", (System.nanoTime() - start) / 1e9, output);
    assertThat(finished).as("python tests finished").isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).contains("OK").doesNotContain("skipped 'SNMF_URL");
  }

}
