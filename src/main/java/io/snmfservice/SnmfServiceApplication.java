package io.snmfservice;

import io.snmfservice.config.OrderlyStop;
import io.snmfservice.snmf.OpenBlasCoreCheck;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Entry point: the REST API, the job workers, or both, depending on {@code snmf.role}. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SnmfServiceApplication {

  public static void main(String[] args) {
    // before anything loads OpenBLAS: its AVX-512 kernels on AMD CPUs it does not recognise (a set value wins)
    OpenBlasCoreCheck.preferAvx512Kernels();
    SpringApplication application = new SpringApplication(SnmfServiceApplication.class);
    // SIGTERM / Ctrl-C: an orderly stop in bounded time, then exit status 0 (see OrderlyStop)
    OrderlyStop.install(application);
    application.run(args);
  }
}
