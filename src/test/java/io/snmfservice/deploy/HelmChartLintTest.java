package io.snmfservice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;

class HelmChartLintTest {

  @Test
  void chartPassesStrictLint() {
    LintResult result = new Helm(RenderedChart.CHART).lint().strict().call();

    assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
  }
}
