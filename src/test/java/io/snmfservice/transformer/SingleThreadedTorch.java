package io.snmfservice.transformer;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class with one PyTorch intra-op thread (the tiny test models are overhead-bound and the build
 * machine is shared) and restores the previous count afterwards.
 */
public class SingleThreadedTorch implements BeforeAllCallback, AfterAllCallback {

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SingleThreadedTorch.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getStore(NAMESPACE).put("threads", TorchThreads.intraOpThreads());
    TorchThreads.setIntraOpThreads(1);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    TorchThreads.setIntraOpThreads(context.getStore(NAMESPACE).get("threads", Integer.class));
  }
}
