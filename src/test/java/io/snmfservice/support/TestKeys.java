package io.snmfservice.support;

/** The admin key that test services are started with ({@code snmf.security.bootstrap-admin-key}). */
public final class TestKeys {

  public static final String ADMIN = "snmf_test-bootstrap-admin-key-0123456789";

  private TestKeys() {}
}
