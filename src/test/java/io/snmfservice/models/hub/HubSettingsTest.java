package io.snmfservice.models.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubSettingsTest {

  @TempDir
  Path home;

  @Test
  void defaultsToThePublicHubAndTheUsersCache() {
    HubSettings settings = HubSettings.fromEnvironment(Map.of("HOME", home.toString()));

    assertThat(settings.endpoint()).isEqualTo(URI.create("https://huggingface.co"));
    assertThat(settings.cacheDir()).isEqualTo(home.resolve(".cache/huggingface/hub"));
    assertThat(settings.token()).isEmpty();
    assertThat(settings.offline()).isFalse();
  }

  @Test
  void hfHomeMovesTheCacheAndHfHubCacheOverridesIt() {
    Map<String, String> withHome = Map.of("HOME", home.toString(), "HF_HOME", "/data/hf");
    Map<String, String> withBoth = Map.of("HOME", home.toString(), "HF_HOME", "/data/hf",
        "HF_HUB_CACHE", "/fast/hub-cache");

    assertThat(HubSettings.fromEnvironment(withHome).cacheDir()).isEqualTo(Path.of("/data/hf/hub"));
    assertThat(HubSettings.fromEnvironment(withBoth).cacheDir()).isEqualTo(Path.of("/fast/hub-cache"));
  }

  @Test
  void readsEndpointTokenAndOfflineSwitch() {
    HubSettings settings = HubSettings.fromEnvironment(Map.of("HOME", home.toString(),
        "HF_ENDPOINT", "http://mirror.local:8080/", "HF_TOKEN", "hf_abc", "HF_HUB_OFFLINE", "1"));

    assertThat(settings.endpoint()).isEqualTo(URI.create("http://mirror.local:8080"));
    assertThat(settings.token()).contains("hf_abc");
    assertThat(settings.offline()).isTrue();
    assertThat(settings.toString()).doesNotContain("hf_abc");
  }

  @Test
  void offlineSwitchAcceptsTheValuesHuggingfaceHubAccepts() {
    for (String on : new String[] {"1", "true", "YES", "on"}) {
      assertThat(HubSettings.fromEnvironment(Map.of("HOME", home.toString(), "HF_HUB_OFFLINE", on)).offline())
          .as(on).isTrue();
    }
    for (String off : new String[] {"0", "false", ""}) {
      assertThat(HubSettings.fromEnvironment(Map.of("HOME", home.toString(), "HF_HUB_OFFLINE", off)).offline())
          .as(off).isFalse();
    }
  }

  @Test
  void fallsBackToTheTokenFileOfTheLogin() throws IOException {
    Path hfHome = home.resolve("hf");
    Files.createDirectories(hfHome);
    Files.writeString(hfHome.resolve("token"), "hf_from_login\n");

    HubSettings settings = HubSettings.fromEnvironment(Map.of("HOME", home.toString(), "HF_HOME", hfHome.toString()));

    assertThat(settings.token()).contains("hf_from_login");
  }
}
