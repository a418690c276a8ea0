package io.snmfservice.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.snmfservice.client.ApiClient;
import io.snmfservice.client.ApiException;
import io.snmfservice.client.api.ComparisonsApi;
import io.snmfservice.client.api.JobsApi;
import io.snmfservice.client.api.ModelsApi;
import io.snmfservice.client.api.VectorSetsApi;
import io.snmfservice.client.model.Comparison;
import io.snmfservice.client.model.ComparisonRequest;
import io.snmfservice.client.model.ComparisonRequestConceptsInner;
import io.snmfservice.client.model.ComparisonRequestMethodsInner;
import io.snmfservice.client.model.ComparisonRequestSteering;
import io.snmfservice.client.model.ComparisonRowsInner;
import io.snmfservice.client.model.EncodeRequest;
import io.snmfservice.client.model.Encoding;
import io.snmfservice.client.model.Job;
import io.snmfservice.client.model.Model;
import io.snmfservice.client.model.RegisterModel;
import io.snmfservice.client.model.VectorSet;
import io.snmfservice.client.model.VectorSetMemberPage;
import io.snmfservice.support.ServiceTest;
import io.snmfservice.vectors.SaeFixture;
import java.io.File;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import tools.jackson.databind.JsonNode;

/**
 * The service through the Java client generated from openapi.yaml (clients/java): typed requests and responses for
 * models, SAE upload, member paging, encoding, jobs and comparisons, and problems as ApiExceptions — the contract
 * checked from the client's side.
 */
@ServiceTest
class JavaClientApiTest {

  @Value("${local.server.port}")
  int port;

  private ApiClient client() {
    ApiClient client = new ApiClient();
    client.updateBaseUri("http://127.0.0.1:" + port);
    client.setRequestInterceptor(b -> b.header("Authorization", "Bearer " + PythonClientTest.API_KEY));
    return client;
  }

  @Test
  void theGeneratedClientImportsAnSaeEncodesAndRunsAComparison() throws Exception {
    ApiClient client = client();
    String suffix = Long.toString(System.nanoTime(), 36);
    Model model = new ModelsApi(client).registerModel(new RegisterModel().name("java-" + suffix)
        .source(RegisterModel.SourceEnum.LOCAL).path("../shared/models/fortunes-byte-gpt2"));
    assertThat(model.getdMlp()).isEqualTo(512);

    VectorSetsApi sets = new VectorSetsApi(client);
    // the generated multipart call sends every form field; an SAE upload ignores file, hook and tensor
    VectorSet sae = sets.createVectorSet(model.getId(), "java-sae-" + suffix, "sae", SaeFixture.CFG.toFile(),
        SaeFixture.WEIGHTS.toFile(), SaeFixture.CFG.toFile(), "", "");
    assertThat(sae.getHook()).isEqualTo("blocks.2.hook_resid_post");
    assertThat(sae.getSize()).isEqualTo(1024);
    VectorSetMemberPage page = sets.listVectorSetMembers(sae.getId(), 2, 100);
    assertThat(page.getTotal()).isEqualTo(1024L);
    assertThat(page.getItems().get(0).getIndex()).isEqualTo(200);
    assertThat(page.getItems().get(0).getVector()).hasSize(128);

    JsonNode reference = SaeFixture.reference().get("cases").get(0);
    Encoding encoding = sets.encodeWithVectorSet(sae.getId(),
        new EncodeRequest().text(reference.get("text").asString()).top(3));
    assertThat(encoding.getTokens()).hasSize(reference.get("token_ids").size());
    for (int t = 0; t < encoding.getLatents().size(); t++) {
      List<BigDecimal> values = encoding.getLatents().get(t).getValues();
      for (int k = 0; k < 3; k++) {
        assertThat(values.get(k).doubleValue()).isCloseTo(
            reference.get("top_latents").get(t).get("values").get(k).asDouble(),
            org.assertj.core.data.Offset.offset(1e-3));
      }
    }

    ComparisonsApi comparisons = new ComparisonsApi(client);
    Job job = comparisons.createComparison(new ComparisonRequest().modelId(model.getId())
        .concepts(List.of(new ComparisonRequestConceptsInner().name("german")
            .sentences(List.of("Wer rastet, der rostet.", "Aller Anfang ist schwer.", "Ohne Fleiß kein Preis.",
                "Lügen haben kurze Beine."))
            .neutral(List.of("Practice makes perfect.", "Meglio tardi che mai.", "Time is money.",
                "Chi la fa l'aspetti."))))
        .methods(List.of(new ComparisonRequestMethodsInner().name("sae").vectorSetId(sae.getId()),
            new ComparisonRequestMethodsInner().name("diffmeans").diffMeans(true).layer(2)
                .hook(ComparisonRequestMethodsInner.HookEnum.HOOK_RESID_POST)))
        .steering(new ComparisonRequestSteering().klTargets(List.of(new BigDecimal("0.1")))
            .signs(List.of(ComparisonRequestSteering.SignsEnum.PLUS)).generations(1).newTokens(4)), null);
    JobsApi jobs = new JobsApi(client);
    long jobId = job.getId();
    job = await("comparison job " + jobId + " to succeed").atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(100)).until(() -> jobs.getJob(jobId), j -> {
          boolean succeeded = j.getStatus().getValue().equals("SUCCEEDED");
          assertThat(j.getStatus().getValue()).isIn("QUEUED", "RUNNING", "SUCCEEDED");
          return succeeded;
        });
    Comparison comparison = comparisons.getComparison(((Number) job.getResult().get("comparisonId")).longValue());
    assertThat(comparison.getRows()).extracting(ComparisonRowsInner::getMethod).containsExactlyInAnyOrder("sae",
        "diffmeans");
    ComparisonRowsInner row = comparison.getRows().get(0);
    assertThat(row.getAuroc().doubleValue()).isBetween(0.0, 1.0);
    assertThat(row.getSteering().get(0).getTarget().doubleValue()).isEqualTo(0.1);
    // (the CSV export is checked by ComparisonAcceptanceTest: the generated client parses every body as JSON)
    assertThat(comparisons.listComparisons(model.getId(), 0, 5).getTotal()).isEqualTo(1L);
  }

  @Test
  void problemsArriveAsApiExceptionsWithTheirStatus() {
    ApiClient client = client();
    assertThatThrownBy(() -> new ModelsApi(client).getModel(987654321L))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.getCode()).isEqualTo(404);
          assertThat(e.getResponseBody()).contains("987654321");
        });
    assertThatThrownBy(() -> new ComparisonsApi(client).createComparison(new ComparisonRequest().modelId(987654321L)
            .concepts(List.of(new ComparisonRequestConceptsInner().name("a").sentences(List.of("x", "y"))
                .neutral(List.of("z", "w"))))
            .methods(List.of(new ComparisonRequestMethodsInner().name("m").diffMeans(true).layer(0))), null))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(404));
    assertThatThrownBy(() -> new VectorSetsApi(client).getVectorSetMember(987654321L, 0))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(404));
  }
}
