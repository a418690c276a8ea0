package io.snmfservice;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Entry point: the REST API, the job workers, or both, depending on {@code snmf.role}. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SnmfServiceApplication {

  public static void main(String[] args) {
    SpringApplication.run(SnmfServiceApplication.class, args);
  }
}
