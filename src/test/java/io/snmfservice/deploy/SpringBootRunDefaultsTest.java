package io.snmfservice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * {@code ./mvnw spring-boot:run} starts the service with full JIT: the plugin's optimized launch adds
 * -XX:TieredStopAtLevel=1, under which an SNMF iteration took 1.4x as long as under java -jar.
 */
class SpringBootRunDefaultsTest {

  @Test
  void springBootRunDoesNotStopTheJitAtC1() throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Document pom = factory.newDocumentBuilder().parse(Path.of("pom.xml").toFile());
    String optimized = XPathFactory.newInstance().newXPath().evaluate(
        "/*[local-name()='project']/*[local-name()='build']/*[local-name()='plugins']/*[local-name()='plugin']"
            + "[*[local-name()='artifactId']='spring-boot-maven-plugin']/*[local-name()='configuration']"
            + "/*[local-name()='optimizedLaunch']", pom);
    assertThat(optimized.trim()).isEqualTo("false");
  }
}
