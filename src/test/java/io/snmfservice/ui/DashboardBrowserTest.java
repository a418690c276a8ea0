package io.snmfservice.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.snmfservice.support.BrowserTest;
import io.snmfservice.support.ContractClient;
import io.snmfservice.support.Jobs;
import io.snmfservice.support.ServiceTest;
import io.snmfservice.support.SlowTest;
import io.snmfservice.support.TestKeys;
import io.snmfservice.vectors.SaeFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Value;
import tools.jackson.databind.JsonNode;

/**
 * The dashboard in a real headless Chromium against the running service with real data: stories260K (sampled
 * corpus, a factorization started from the form and watched live) and the byte-level fortunes GPT-2 on a
 * five-language corpus (feature card with multi-byte text, steering, playground, evaluation). Every page must load
 * without browser console errors; screenshots go to target/ui-screenshots/.
 */
@SlowTest
@BrowserTest
@ServiceTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {

  private static final String STORIES = "../shared/models/stories260K/stories260K.bin";
  private static final String FORTUNES = "../shared/models/fortunes-byte-gpt2";
  static final List<String> PROVERBS = List.of(
      "Wer rastet, der rostet.", "Übung macht den Meister.", "Grüße aus München und Köln.",
      "Morgenstund hat Gold im Mund.", "Ein Unglück kommt selten allein.", "Lügen haben kurze Beine.",
      "Der Apfel fällt nicht weit vom Stamm.", "Schöne Grüße, liebe Größe, süße Füße.",
      "Más vale tarde que nunca.", "El que madruga, Dios le ayuda.", "Año nuevo, vida nueva, señor.",
      "No hay mal que por bien no venga.", "Mañana será otro día, niño.", "Quien mucho abarca, poco aprieta.",
      "Chi va piano va sano e va lontano.", "Non è tutto oro quello che luccica.", "L'amore è cieco, però.",
      "Chi dorme non piglia pesci.", "Água mole em pedra dura tanto bate até que fura.",
      "Não há rosa sem espinhos.", "Quem não arrisca não petisca, irmão.", "A pressa é inimiga da perfeição.",
      "A friend in need is a friend indeed.", "Actions speak louder than words.",
      "The early bird catches the worm.", "Fortune favors the bold.", "You will have a pleasant surprise.",
      "A journey of a thousand miles begins with a single step.", "Time is money, said the café owner.",
      "Every cloud has a silver lining.", "Die Gedanken sind frei.", "Ende gut, alles gut.");

  @Value("${local.server.port}")
  int port;

  ContractClient api;
  Browser browser;
  String suffix;
  long storiesModel;
  long fortunesModel;
  long samples;
  long fortunesFactorization;
  long umlautFeature;
  long saeSet;
  long featureSet;

  /** Without Chromium every test is reported as skipped with this reason (an aborted class would show 0 tests). */
  @BeforeEach
  void requireChromium() {
    String missing = Browser.missing();
    Assumptions.assumeTrue(missing == null, missing);
  }

  @BeforeAll
  void startBrowserAndPrepareData() {
    if (Browser.missing() != null) {
      return;
    }
    api = new ContractClient(port);
    suffix = Long.toString(System.nanoTime(), 36);
    storiesModel = api.post("/v1/models", "{\"name\":\"ui-stories-" + suffix + "\",\"source\":\"llama2c\",\"path\":\""
        + STORIES + "\"}").json().get("id").asLong();
    fortunesModel = api.post("/v1/models", "{\"name\":\"ui-fortunes-" + suffix + "\",\"source\":\"local\",\"path\":\""
        + FORTUNES + "\"}").json().get("id").asLong();
    long sampling = api.post("/v1/datasets", "{\"name\":\"ui-samples-" + suffix + "\",\"kind\":\"model-samples\","
        + "\"modelId\":" + storiesModel + ",\"count\":1000,\"length\":31,\"seed\":2}").json().get("id").asLong();
    StringBuilder texts = new StringBuilder();
    for (String p : PROVERBS) {
      texts.append(texts.isEmpty() ? "" : ",").append('"').append(p).append('"');
    }
    long proverbs = api.post("/v1/datasets", "{\"name\":\"ui-proverbs-" + suffix + "\",\"kind\":\"text\",\"texts\":["
        + texts + "]}").json().get("id").asLong();
    samples = Jobs.awaitSucceeded(api, sampling, Duration.ofMinutes(2)).get("result").get("datasetId").asLong();
    long job = api.post("/v1/factorizations", "{\"modelId\":" + fortunesModel + ",\"datasetId\":" + proverbs
        + ",\"layer\":1,\"levels\":[24,6],\"sparsity\":0.1,\"maxIterations\":80,\"topInputs\":8,\"contextWindow\":8,"
        + "\"contextLength\":64}").json().get("id").asLong();
    fortunesFactorization = Jobs.awaitSucceeded(api, job, Duration.ofMinutes(2)).get("result").get("factorizationId")
        .asLong();
    JsonNode found = api.get("/v1/factorizations/" + fortunesFactorization + "/features/search?text="
        + URLEncoder.encode("ü", StandardCharsets.UTF_8)).json().get("items");
    assertThat(found.size()).as("features with ü in a context").isPositive();
    umlautFeature = found.get(0).get("id").asLong();
    Map<String, Map.Entry<String, byte[]>> sae = new LinkedHashMap<>();
    sae.put("cfg", Map.entry("cfg.json", SaeFixture.cfg().getBytes(StandardCharsets.UTF_8)));
    try {
      sae.put("weights", Map.entry("sae_weights.safetensors", Files.readAllBytes(SaeFixture.WEIGHTS)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    saeSet = api.uploadParts("/v1/vector-sets", sae, Map.of("modelId", Long.toString(fortunesModel), "name",
        "ui-sae-" + suffix, "kind", "sae")).json().get("id").asLong();
    featureSet = api.post("/v1/vector-sets", "{\"name\":\"ui-features-" + suffix + "\",\"source\":\"factorization\","
        + "\"factorizationId\":" + fortunesFactorization + "}").json().get("id").asLong();
    browser = new Browser(port);
    signIn(TestKeys.ADMIN);
  }

  /** The sign-in form: the key is typed once, the session remembers it. */
  private void signIn(String key) {
    browser.open("/ui/login");
    find("#key").sendKeys(key);
    find("form.form button[type=submit]").click();
    waitUpTo(Duration.ofSeconds(10)).until(d -> !d.getCurrentUrl().endsWith("/ui/login"));
  }

  @AfterAll
  void closeBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  private WebDriverWait waitUpTo(Duration d) {
    WebDriverWait wait = new WebDriverWait(browser.driver, d, Duration.ofMillis(100));
    wait.ignoring(StaleElementReferenceException.class); // live fragments are swapped while we look
    return wait;
  }

  private WebElement find(String css) {
    return browser.driver.findElement(By.cssSelector(css));
  }

  private String h1() {
    return find("h1").getText();
  }

  @Test
  @Order(1)
  void everyPageOfTheNavigationRendersWithoutConsoleErrors() {
    browser.open("/");
    assertThat(browser.driver.getCurrentUrl()).endsWith("/ui");
    assertThat(h1()).isEqualTo("Overview");
    browser.assertNoConsoleErrors("/ui");
    browser.screenshot("overview");
    String[][] nav = {{"Jobs", "Jobs"}, {"Models", "Models"}, {"Datasets", "Datasets"},
        {"Factorizations", "Factorizations"}, {"Vector sets", "Vector sets"}, {"Playground", "Steering playground"},
        {"Evaluations", "Evaluations"}, {"Keys", "API keys"}, {"Audit", "Audit log"}};
    for (String[] item : nav) {
      browser.open("/ui");
      browser.driver.findElement(By.linkText(item[0])).click();
      waitUpTo(Duration.ofSeconds(10)).until(d -> h1().equals(item[1]));
      browser.assertNoConsoleErrors(item[0]);
      browser.screenshot(item[0].toLowerCase().replace(' ', '-'));
    }
    browser.open("/ui/login");
    assertThat(find("input[type=password][name=key]").isDisplayed()).isTrue();
    browser.assertNoConsoleErrors("/ui/login");
    browser.screenshot("login");
  }

  @Test
  @Order(2)
  void formsShowProblemsInlineAndCreateModelsAndDatasets() {
    browser.open("/ui/models");
    find("#m-name").sendKeys("not a valid name");
    new Select(find("#m-source")).selectByValue("llama2c");
    find("#m-path").sendKeys(STORIES);
    find("#model-form button[type=submit]").click();
    WebElement problem = waitUpTo(Duration.ofSeconds(10)).until(
        ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".problem[role=alert]")));
    assertThat(problem.getText()).contains("422").contains("name");
    assertThat(find("#m-path").getAttribute("value")).as("the form keeps what was typed").isEqualTo(STORIES);
    browser.consoleErrors(); // the 422 document itself is reported as a failed load; nothing else may be
    browser.screenshot("models-problem");

    find("#m-name").clear();
    find("#m-name").sendKeys("ui-form-" + suffix);
    find("#model-form button[type=submit]").click();
    waitUpTo(Duration.ofSeconds(30)).until(d -> !d.findElements(By.cssSelector(".notice")).isEmpty());
    assertThat(find(".notice").getText()).contains("ui-form-" + suffix);
    assertThat(find("table").getText()).contains("ui-form-" + suffix).contains("llama");
    browser.assertNoConsoleErrors("/ui/models after registering");

    browser.open("/ui/datasets");
    find("#d-name").sendKeys("ui-lines-" + suffix);
    new Select(find("#d-kind")).selectByValue("text");
    find("#d-content").sendKeys("Grüße aus Köln\nMañana será otro día\nNão há rosa sem espinhos");
    find("#dataset-form button[type=submit]").click();
    waitUpTo(Duration.ofSeconds(10)).until(d -> h1().contains("ui-lines-" + suffix));
    assertThat(find(".documents").getText()).contains("Grüße aus Köln", "Mañana será otro día", "Não há rosa");
    browser.assertNoConsoleErrors("dataset page");
    browser.screenshot("dataset");
  }

  @Test
  @Order(3)
  void theJobPageAdvancesLiveWhileAFactorizationRuns() {
    browser.open("/ui/factorizations");
    new Select(find("#f-model")).selectByValue(Long.toString(storiesModel));
    new Select(find("#f-dataset")).selectByValue(Long.toString(samples));
    setValue("#f-layer", "2");
    setValue("#f-levels", "32");
    setValue("#f-iter", "400");
    find("#factorization-form button[type=submit]").click();
    waitUpTo(Duration.ofSeconds(10)).until(d -> h1().endsWith("factorize"));
    String jobUrl = browser.driver.getCurrentUrl();

    Set<String> seen = new LinkedHashSet<>();
    boolean[] screenshotWhileRunning = {false};
    // samples the progress box every 150 ms until the job has finished
    String status = waitUpTo(Duration.ofMinutes(3)).pollingEvery(Duration.ofMillis(150))
        .withMessage("the job page to show the job finished").until(d -> {
          // one atomic read: the fragment is replaced by server-sent events while we look
          @SuppressWarnings("unchecked")
          List<String> box = (List<String>) browser.driver.executeScript(
              "var b = document.querySelector('.progress-box'); var m = b.querySelector('.msg');"
              + " return [b.getAttribute('data-status'), b.querySelector('.percent').textContent,"
              + " m ? m.textContent : ''];");
          if (box.get(0).equals("RUNNING")) {
            seen.add(box.get(1));
            if (!screenshotWhileRunning[0] && box.get(2).startsWith("iteration")) {
              browser.screenshot("job-running");
              screenshotWhileRunning[0] = true;
            }
          }
          return List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(box.get(0)) ? box.get(0) : null;
        });
    assertThat(status).isEqualTo("SUCCEEDED");
    assertThat(browser.driver.getCurrentUrl()).as("no reload: the page was updated in place").isEqualTo(jobUrl);
    assertThat(seen).as("progress values shown while running").hasSizeGreaterThanOrEqualTo(3);
    Number lossPoints = (Number) browser.driver.executeScript(
        "var c = document.getElementById('live-loss'); return c && c._spec ? c._spec.x.length : 0;");
    assertThat(lossPoints.intValue()).as("loss points drawn live").isGreaterThanOrEqualTo(2);
    browser.assertNoConsoleErrors("live job page");
    browser.screenshot("job-finished");

    find(".progress-box a.result-link").click();
    waitUpTo(Duration.ofSeconds(10)).until(d -> h1().startsWith("Factorization"));
    assertThat(browser.driver.findElements(By.cssSelector(".chart canvas"))).as("loss curve drawn").isNotEmpty();
    assertThat(browser.driver.findElements(By.cssSelector("#feature-table tbody tr"))).hasSize(25);
    String firstBefore = find("#feature-table tbody tr td").getText();
    find("#feature-table th:nth-child(3) a").click(); // sort by max activation (htmx swap)
    waitUpTo(Duration.ofSeconds(10)).until(d -> d.findElement(By.cssSelector("#feature-table th:nth-child(3)"))
        .getAttribute("aria-sort") != null);
    assertThat(find("#feature-table th:nth-child(3)").getAttribute("aria-sort")).isEqualTo("descending");
    find("#feature-table a[rel=next]").click();
    waitUpTo(Duration.ofSeconds(10)).until(d -> d.findElement(By.cssSelector("#feature-table .pager span"))
        .getText().startsWith("page 2"));
    assertThat(browser.driver.findElements(By.cssSelector("#feature-table tbody tr"))).hasSize(7);
    find("#q").sendKeys("<1>");
    waitUpTo(Duration.ofSeconds(10)).until(d -> d.findElement(By.cssSelector("#feature-table p.muted")).getText()
        .contains("match"));
    browser.assertNoConsoleErrors("factorization page");
    browser.screenshot("factorization");
    assertThat(firstBefore).startsWith("#");
  }

  @Test
  @Order(4)
  void theFeatureCardShowsDecodedMultiByteTextAndStartsASteeringJob() {
    browser.open("/ui/features/" + umlautFeature);
    assertThat(h1()).startsWith("Feature");
    String contexts = find("#top-h").findElement(By.xpath("..")).getText() + find("#intervals-h")
        .findElement(By.xpath("..")).getText();
    assertThat(contexts).as("contexts decoded as UTF-8").doesNotContain("\uFFFD", "Ã", "Â", "<0x");
    assertThat(browser.driver.findElements(By.cssSelector(".context .tok.active"))).isNotEmpty();
    String allText = find("main").getText();
    assertThat(allText).containsAnyOf("ü", "ö", "ä", "ß", "ñ", "ã", "é");
    assertThat(browser.driver.findElements(By.cssSelector(".interval"))).as("interval examples").isNotEmpty();
    assertThat(browser.driver.findElements(By.cssSelector(".histogram .hbin"))).hasSize(20);
    assertThat(browser.driver.findElements(By.cssSelector(".vocab li"))).isNotEmpty();
    assertThat(allText).contains("Parents:");
    browser.assertNoConsoleErrors("feature card");
    browser.screenshot("feature-card");

    setValue("#s-kl", "0.5");
    setValue("#s-gen", "2");
    setValue("#s-new", "12");
    new Select(find("#s-sign")).selectByValue("+");
    find("#steer-form button[type=submit]").click();
    waitUpTo(Duration.ofSeconds(10)).until(d -> h1().endsWith("steer"));
    waitUpTo(Duration.ofMinutes(2)).until(d -> "SUCCEEDED".equals(
        d.findElement(By.cssSelector(".progress-box")).getAttribute("data-status")));
    find(".progress-box a.result-link").click();
    waitUpTo(Duration.ofSeconds(10)).until(d -> h1().startsWith("Steering run"));
    assertThat(browser.driver.findElements(By.cssSelector(".chart canvas"))).as("KL against alpha").isNotEmpty();
    assertThat(browser.driver.findElements(By.cssSelector(".side-by-side tbody tr"))).hasSize(2);
    browser.assertNoConsoleErrors("steering run");
    browser.screenshot("steering-run");

    browser.open("/ui/features/" + umlautFeature);
    assertThat(find("#causal-h").findElement(By.xpath("..")).getText()).contains("offline-v1", "Latest run");
    browser.assertNoConsoleErrors("feature card with a steering run");
    browser.screenshot("feature-card-steered");
    browser.viewport("feature-card-top");
  }

  @Test
  @Order(5)
  void thePlaygroundReturnsSteeredAndUnsteeredText() {
    browser.open("/ui/features/" + umlautFeature);
    browser.driver.findElement(By.linkText("Open in playground")).click();
    waitUpTo(Duration.ofSeconds(10)).until(d -> h1().equals("Steering playground"));
    assertThat(find("#p-feature").getAttribute("value")).isEqualTo(Long.toString(umlautFeature));
    setValue("#p-prompt", "Schöne Grüße");
    setValue("#p-alpha", "");
    setValue("#p-kl", "0.3");
    setValue("#p-tokens", "16");
    find("#playground-form button[type=submit]").click();
    waitUpTo(Duration.ofSeconds(60)).until(d -> !d.findElements(By.cssSelector("#playground-result .result, #playground-result .problem")).isEmpty());
    assertThat(browser.driver.findElements(By.cssSelector("#playground-result .problem"))).as(find("#playground-result").getText()).isEmpty();
    WebElement steered = find("#steered-text");
    assertThat(steered.getText()).isNotBlank();
    assertThat(find("#unsteered-text").getText()).isNotBlank();
    assertThat(find(".result .kl").getText()).matches("[0-9.]+");
    assertThat(browser.driver.getCurrentUrl()).as("htmx swapped the result in place").endsWith("/ui/playground?featureId="
        + umlautFeature);
    browser.assertNoConsoleErrors("playground");
    browser.screenshot("playground");
  }

  @Test
  @Order(6)
  void anEvaluationStartedFromItsFormShowsItsTable() {
    List<Long> features = new ArrayList<>();
    api.get("/v1/factorizations/" + fortunesFactorization + "/features?size=3").json().get("items")
        .forEach(f -> features.add(f.get("id").asLong()));
    browser.consoleErrors(); // only this test's entries count below
    browser.open("/ui/evaluations");
    new Select(find("#e-model")).selectByValue(Long.toString(fortunesModel));
    setValue("#e-layer", "1");
    setValue("#e-name", "german");
    setValue("#e-features", features.get(0) + ", " + features.get(1) + ", " + features.get(2));
    setValue("#e-with", String.join("\n", PROVERBS.subList(0, 8)));
    setValue("#e-without", String.join("\n", PROVERBS.subList(22, 30)));
    find("#evaluation-form button[type=submit]").click();
    waitUpTo(Duration.ofSeconds(10)).until(d -> h1().endsWith("evaluate"));
    waitUpTo(Duration.ofMinutes(2)).until(d -> "SUCCEEDED".equals(
        d.findElement(By.cssSelector(".progress-box")).getAttribute("data-status")));
    find(".progress-box a.result-link").click();
    waitUpTo(Duration.ofSeconds(10)).until(d -> h1().startsWith("Evaluation"));
    assertThat(browser.driver.findElements(By.cssSelector("table.metrics tbody tr"))).hasSizeGreaterThanOrEqualTo(4);
    assertThat(find("table.metrics").getText()).contains("diffmeans", "feature-" + features.get(0));
    browser.assertNoConsoleErrors("evaluation");
    browser.screenshot("evaluation");
  }

  @Test
  @Order(7)
  void hierarchyJobsAndDocsRender() {
    browser.open("/ui/factorizations/" + fortunesFactorization + "/hierarchy");
    assertThat(browser.driver.findElements(By.cssSelector("ul.tree > li > details"))).as("6 coarse features")
        .hasSizeGreaterThanOrEqualTo(6);
    assertThat(browser.driver.findElements(By.cssSelector(".tree .leaf a"))).as("fine features under them").isNotEmpty();
    browser.assertNoConsoleErrors("hierarchy");
    browser.screenshot("hierarchy");

    browser.open("/ui/jobs");
    assertThat((String) browser.driver.executeScript("return document.querySelector('#job-rows table').textContent;"))
        .contains("factorize", "SUCCEEDED");
    browser.assertNoConsoleErrors("jobs");
    browser.screenshot("jobs-list");

    browser.open("/docs");
    waitUpTo(Duration.ofSeconds(20)).until(d -> !d.findElements(By.cssSelector(".swagger-ui .info .title")).isEmpty());
    assertThat(find(".swagger-ui .info .title").getText()).contains("snmf");
    browser.assertNoConsoleErrors("/docs");
    browser.screenshot("docs");
  }

  @Test
  @Order(8)
  void pagesFitANarrowWindow() {
    browser.driver.manage().window().setSize(new Dimension(390, 844));
    try {
      for (String page : List.of("/ui/features/" + umlautFeature, "/ui/jobs", "/ui/factorizations",
          "/ui/playground", "/ui/vector-sets", "/ui/vector-sets/" + saeSet, "/ui/keys", "/ui/audit")) {
        browser.open(page);
        Number overflow = (Number) browser.driver.executeScript(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        Object wide = browser.driver.executeScript("var w = document.documentElement.clientWidth; var out = [];"
            + " document.querySelectorAll('main *').forEach(function (e) { var r = e.getBoundingClientRect();"
            + " if (r.right > w + 1 && out.length < 5) { out.push(e.tagName + '.' + e.className + ' ' + Math.round(r.right)); } });"
            + " return out.join(', ');");
        assertThat(overflow.intValue()).as("horizontal overflow of %s: %s", page, wide).isLessThanOrEqualTo(1);
        browser.assertNoConsoleErrors(page + " narrow");
      }
      browser.open("/ui/features/" + umlautFeature);
      browser.screenshot("feature-card-narrow");
    } finally {
      browser.driver.manage().window().setSize(new Dimension(1280, 800));
    }
  }

  @Test
  @Order(9)
  void theEncodeFormShowsTheReferenceLatentsAndMembersLinkToFeatureCards() {
    browser.open("/ui/vector-sets");
    browser.driver.findElement(By.linkText("ui-sae-" + suffix)).click();
    waitUpTo(Duration.ofSeconds(10)).until(d -> h1().endsWith("ui-sae-" + suffix));
    assertThat(browser.driver.findElements(By.cssSelector("#members tbody tr"))).hasSize(50);
    browser.assertNoConsoleErrors("vector set page");
    JsonNode reference = SaeFixture.reference().get("cases").get(0);
    setValue("#e-text", reference.get("text").asString());
    setValue("#e-top", "5");
    find("#encode-form button[type=submit]").click();
    waitUpTo(Duration.ofSeconds(60)).until(d -> !d.findElements(By.cssSelector("#latents, #encode-result .problem"))
        .isEmpty());
    assertThat(browser.driver.findElements(By.cssSelector("#encode-result .problem"))).isEmpty();
    List<WebElement> rows = browser.driver.findElements(By.cssSelector("#latents tbody tr"));
    assertThat(rows).as("one row per token, BOS first").hasSize(reference.get("token_ids").size());
    int compared = 0;
    for (int t = 0; t < rows.size(); t++) {
      JsonNode top = reference.get("top_latents").get(t);
      double first = top.get("values").get(0).asDouble();
      if (first > 0 && first - top.get("values").get(1).asDouble() > 1e-3) {
        assertThat(rows.get(t).findElement(By.cssSelector(".chip.latent")).getAttribute("data-latent"))
            .as("token %d's largest latent", t).isEqualTo(top.get("ids").get(0).asString());
        compared++;
      }
    }
    assertThat(compared).isGreaterThan(rows.size() / 2);
    assertThat(browser.driver.getCurrentUrl()).as("htmx swapped the result in place").endsWith("/ui/vector-sets/" + saeSet);
    browser.assertNoConsoleErrors("encode");
    browser.screenshot("vector-set-encoded");

    browser.open("/ui/vector-sets/" + featureSet);
    assertThat(browser.driver.findElements(By.cssSelector("#encode-form"))).as("no SAE, no encoder").isEmpty();
    find("#members tbody a").click();
    waitUpTo(Duration.ofSeconds(10)).until(d -> h1().startsWith("Feature"));
    browser.assertNoConsoleErrors("feature card from a vector set");
  }

  @Test
  @Order(10)
  void adminsCreateKeysAndReadTheAuditLogReadersGet403() {
    browser.open("/ui/keys");
    setValue("#k-name", "ui-browser-reader-" + suffix);
    new Select(find("#k-role")).selectByValue("reader");
    find("#key-form button[type=submit]").click();
    waitUpTo(Duration.ofSeconds(10)).until(d -> !d.findElements(By.cssSelector("#created-key")).isEmpty());
    String secret = find("#created-key code.secret").getText();
    assertThat(secret).startsWith("snmf_");
    assertThat(find("#keys").getText()).contains("ui-browser-reader-" + suffix, "never");
    browser.consoleErrors(); // a 201 document is no error, but only what follows counts
    browser.screenshot("keys-created");
    browser.open("/ui/audit");
    assertThat(find("#audit").getText()).contains("POST /ui/keys", "SUCCEEDED");
    browser.assertNoConsoleErrors("audit log");
    browser.screenshot("audit");

    find("form.signout button").click();
    waitUpTo(Duration.ofSeconds(10)).until(d -> d.getCurrentUrl().contains("/ui/login?signedOut"));
    signIn(secret);
    try {
      assertThat(find("nav").getText()).contains("Vector sets").doesNotContain("Keys", "Audit");
      browser.open("/ui/vector-sets/" + saeSet);
      assertThat(browser.driver.findElements(By.cssSelector("#encode-form"))).as("readers cannot encode").isEmpty();
      browser.assertNoConsoleErrors("vector set page as a reader");
      for (String page : List.of("/ui/keys", "/ui/audit")) {
        browser.open(page);
        assertThat(h1()).as(page).isEqualTo("Forbidden");
        assertThat(find(".problem").getText()).contains("403", "role reader");
        // the 403 document itself is reported as a failed load; nothing else may be
        assertThat(browser.consoleErrors()).as(page).allMatch(e -> e.contains("403"));
      }
      browser.screenshot("forbidden");
    } finally {
      browser.open("/ui");
      find("form.signout button").click();
      waitUpTo(Duration.ofSeconds(10)).until(d -> d.getCurrentUrl().contains("/ui/login?signedOut"));
      signIn(TestKeys.ADMIN);
    }
  }

  private void setValue(String css, String value) {
    WebElement e = find(css);
    e.clear();
    if (!value.isEmpty()) {
      e.sendKeys(value);
    }
  }

  static Path screenshots() {
    return Browser.SCREENSHOTS;
  }

  @Test
  @Order(100)
  void signInIsOncePerSessionAndARevokedKeyEndsIt() {
    browser.open("/ui");
    find("form.signout button").click();
    waitUpTo(Duration.ofSeconds(10)).until(d -> d.getCurrentUrl().contains("/ui/login?signedOut"));
    browser.open("/ui/jobs");
    assertThat(browser.driver.getCurrentUrl()).as("signed out: pages ask for a key").contains("/ui/login");
    browser.screenshot("sign-in");

    signIn("snmf_not-a-key-of-this-service");
    waitUpTo(Duration.ofSeconds(10)).until(d -> d.getCurrentUrl().contains("/ui/login?error"));
    assertThat(find(".problem").getText()).contains("unknown, revoked or expired");

    JsonNode reader = api.post("/v1/keys", "{\"name\":\"ui-reader-" + suffix + "\",\"role\":\"reader\"}").json();
    browser.open("/ui/jobs");
    find("#key").sendKeys(reader.get("key").asString());
    find("form.form button[type=submit]").click();
    waitUpTo(Duration.ofSeconds(10)).until(d -> h1().equals("Jobs"));
    assertThat(browser.driver.getCurrentUrl()).as("back to the page asked for").contains("/ui/jobs");
    assertThat(find(".signout .who").getText()).contains("ui-reader-" + suffix);
    assertThat(browser.driver.manage().getCookies().toString()).doesNotContain(reader.get("key").asString());

    api.delete("/v1/keys/" + reader.get("apiKey").get("id").asLong());
    browser.open("/ui");
    waitUpTo(Duration.ofSeconds(10)).until(d -> d.getCurrentUrl().contains("/ui/login"));
    assertThat(browser.driver.getCurrentUrl()).as("a revoked key ends the session").contains("/ui/login");
    signIn(TestKeys.ADMIN);
    waitUpTo(Duration.ofSeconds(10)).until(d -> !d.getCurrentUrl().contains("/ui/login"));
  }
}
