package io.snmfservice.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * Headless Debian Chromium driven by its chromedriver (both from apt, never downloaded by Selenium), with the
 * browser console collected so tests can require pages free of errors.
 */
public final class Browser implements AutoCloseable {

  /** Debian's paths; other systems can point the tests elsewhere with -Dsnmf.test.chromium / -Dsnmf.test.chromedriver. */
  static final Path CHROMIUM = Path.of(System.getProperty("snmf.test.chromium", "/usr/bin/chromium"));
  static final Path CHROMEDRIVER = Path.of(System.getProperty("snmf.test.chromedriver", "/usr/bin/chromedriver"));
  static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");

  public final ChromeDriver driver;
  private final String base;

  /** Why the browser tests cannot run here, or null when Chromium and chromedriver are installed. */
  public static String missing() {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      return "browser tests not run: no executable " + CHROMIUM + " and " + CHROMEDRIVER
          + " (Debian: apt-get install -y chromium chromium-driver; .ci/run does this)";
    }
    return null;
  }

  public Browser(int port) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--window-size=1280,800", "--lang=en-US", "--disable-search-engine-choice-screen");
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    driver.manage().window().setSize(new Dimension(1280, 800));
    base = "http://127.0.0.1:" + port;
  }

  public void open(String path) {
    driver.get(base + path);
  }

  String url(String path) {
    return base + path;
  }

  /** Console entries at SEVERE since the last call (errors, failed loads, uncaught exceptions). */
  public List<String> consoleErrors() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(LogEntry::getMessage).toList();
  }

  public void assertNoConsoleErrors(String page) {
    assertThat(consoleErrors()).as("browser console errors on %s", page).isEmpty();
  }

  /** Writes a full-height PNG of the current page under target/ui-screenshots/. */
  public Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Dimension size = driver.manage().window().getSize();
      long height = ((Number) driver.executeScript(
          "return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")).longValue();
      driver.manage().window().setSize(new Dimension(size.getWidth(), (int) Math.min(6000, Math.max(size.getHeight(), height + 120))));
      byte[] png = driver.getScreenshotAs(OutputType.BYTES);
      driver.manage().window().setSize(size);
      Path file = SCREENSHOTS.resolve(name + ".png");
      Files.write(file, png);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A PNG of what the window shows (1280×800), e.g. for the README. */
  Path viewport(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path file = SCREENSHOTS.resolve(name + ".png");
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
