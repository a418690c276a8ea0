package io.snmfservice.activations;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.activations.store.ActivationFileWriter;
import io.snmfservice.activations.store.DType;
import io.snmfservice.support.ContractClient;
import io.snmfservice.support.IsolatedDatabaseInitializer;
import io.snmfservice.support.Jobs;
import io.snmfservice.support.SlowTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;

/**
 * A collection that runs out of room fails with 507 and a detail naming the cause, leaves no partial files, and
 * the service stays healthy; once space is freed the same request succeeds. The store limit stands in for a small
 * disk (mounting one needs privileges tests do not have); a real "No space left on device" comes from /dev/full.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "snmf.activations.max-store-size=4MB")
@SlowTest
@ContextConfiguration(initializers = IsolatedDatabaseInitializer.class)
@ActiveProfiles("test")
@DirtiesContext
class ActivationStoreFullTest {

  private static final Path STORIES = Path.of("../shared/models/stories260K/stories260K.bin");
  private static final long LIMIT = 4L << 20;

  @Value("${local.server.port}")
  int port;

  @Value("${snmf.data-dir}")
  Path dataDir;

  @TempDir Path tmp;

  @Test
  void collectionOverTheStoreLimitFailsCleanlyAndSucceedsOnceThereIsRoom() throws IOException {
    ContractClient api = new ContractClient(port);
    long model = api.post("/v1/models", "{\"name\":\"store-full\",\"source\":\"llama2c\",\"path\":\"" + STORIES
        + "\"}").json().get("id").asLong();
    long dataset = api.post("/v1/datasets", "{\"name\":\"store-full\",\"kind\":\"tokens\",\"tokens\":"
        + randomTokens(100, 31) + "}").json().get("id").asLong();
    // 3,100 tokens × 172 floats ≈ 2.1 MB; with 3 MB taken only the first batches fit under the 4 MB limit
    Path store = dataDir.resolve("activations");
    Path ballast = Files.createDirectories(store).resolve("ballast.bin");
    Files.write(ballast, new byte[3 << 20]);
    String request = "{\"modelId\":" + model + ",\"datasetId\":" + dataset + ",\"layers\":[2],\"contextLength\":32,"
        + "\"batchSize\":8}";

    long failing = api.post("/v1/activations", request).json().get("id").asLong();
    List<JsonNode> seen = Jobs.awaitFinished(api, failing, Duration.ofMinutes(2));
    JsonNode failed = seen.get(seen.size() - 1);
    assertThat(failed.get("status").asString()).as(failed.toString()).isEqualTo("FAILED");
    assertThat(failed.get("attempts").asInt()).as("not retried: the disk is still full").isEqualTo(1);
    assertThat(failed.at("/error/status").asInt()).isEqualTo(507);
    assertThat(failed.at("/error/detail").asString())
        .contains("the activation store is full", "snmf.activations.max-store-size");
    Matcher used = Pattern.compile("\\(([0-9,]+) bytes used\\)")
        .matcher(failed.at("/error/detail").asString());
    assertThat(used.find()).isTrue();
    assertThat(Long.parseLong(used.group(1).replace(",", ""))).as("it had written part of the set when it stopped")
        .isGreaterThan(3L << 20);
    assertThat(filesIn(store)).as("no partial activation or index files").containsExactly(ballast);
    assertThat(api.get("/v1/activations?modelId=" + model).json()).isEmpty();

    JsonNode health = api.raw().get("/actuator/health").json();
    assertThat(health.get("status").asString()).isEqualTo("UP");
    assertThat(health.at("/components/activationStore/details/maxStoreBytes").asLong()).isEqualTo(LIMIT);
    assertThat(health.at("/components/activationStore/details/usedBytes").asLong()).isEqualTo(3 << 20);
    assertThat(health.at("/components/activationStore/details/lastShortage/detail").asString())
        .contains("the activation store is full");
    assertThat(api.get("/v1/models/" + model).status()).isEqualTo(200);

    Files.delete(ballast);
    long retried = api.post("/v1/activations", request).json().get("id").asLong();
    JsonNode done = Jobs.awaitSucceeded(api, retried, Duration.ofMinutes(2));
    long set = done.at("/result/activationSets/2").asLong();
    assertThat(api.get("/v1/activations/" + set).json().get("nTokens").asLong()).isEqualTo(100 * 31);
    assertThat(api.raw().get("/actuator/health").json().get("status").asString()).isEqualTo("UP");
  }

  /**
   * Writing to /dev/full fails as a full disk does (ENOSPC): the store names the same cause as for its own limit.
   * (That the collector removes its partial files on this error is the test above: a collection starts by clearing
   * its directory, so a link to /dev/full cannot be planted in it.)
   */
  @Test
  void noSpaceLeftOnDeviceIsReportedAsAFullStore() throws IOException {
    Path devFull = Path.of("/dev/full");
    assertThat(devFull).as("a Linux device that answers every write with ENOSPC").exists();
    Path link = Files.createSymbolicLink(tmp.resolve("full.act"), devFull);
    StoreSpace space = new StoreSpace(tmp, 0);
    IOException noSpace = null;
    try (ActivationFileWriter writer = ActivationFileWriter.create(link, 4, DType.FLOAT32, 1024)) {
      writer.appendColumns(new float[4 * 4096], 4096);
    } catch (java.io.UncheckedIOException e) {
      noSpace = e.getCause();
    }
    assertThat(noSpace).as("ENOSPC from /dev/full").isNotNull();
    assertThat(StoreSpace.isNoSpace(noSpace)).isTrue();
    assertThat(space.writeFailed(noSpace))
        .isInstanceOf(StoreFullException.class)
        .hasMessageContaining("no space left on the device of the activation store")
        .hasMessageContaining("No space left on device");
    assertThat(space.lastShortage()).isPresent();
    assertThat(devFull).exists();
  }

  private static String randomTokens(int documents, int length) {
    Random random = new Random(5);
    StringJoiner docs = new StringJoiner(",", "[", "]");
    for (int d = 0; d < documents; d++) {
      StringJoiner ids = new StringJoiner(",", "[", "]");
      for (int t = 0; t < length; t++) {
        ids.add(Integer.toString(3 + random.nextInt(500)));
      }
      docs.add(ids.toString());
    }
    return docs.toString();
  }

  private static List<Path> filesIn(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return new ArrayList<>(files.filter(p -> !p.equals(dir)).toList());
    }
  }
}
