package io.snmfservice.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ComputeBudgetTest {

  @Test
  void aSecondHeavyStageWaitsForTheFirstAndIsToldWhy() throws Exception {
    ComputeBudget budget = new ComputeBudget(1);
    List<String> messages = new ArrayList<>();
    ComputeBudget.Permit first = budget.acquire(() -> {}, messages::add);
    CountDownLatch admitted = new CountDownLatch(1);
    CompletableFuture<Void> second = CompletableFuture.runAsync(() -> {
      try (ComputeBudget.Permit p = budget.acquire(() -> {}, messages::add)) {
        admitted.countDown();
      }
    });
    assertThat(admitted.await(500, TimeUnit.MILLISECONDS)).isFalse();
    first.close();
    first.close(); // a second close gives nothing back twice
    assertThat(admitted.await(5, TimeUnit.SECONDS)).isTrue();
    second.get(5, TimeUnit.SECONDS);
    assertThat(messages).containsExactly("waiting for compute: 1 heavy stage(s) running or queued");
    try (ComputeBudget.Permit a = budget.acquire(() -> {}, messages::add)) {
      assertThat(messages).hasSize(1); // free again, and only once
    }
  }

  @Test
  void aStageThatIsCancelledWhileWaitingGivesUpItsTurn() {
    ComputeBudget budget = new ComputeBudget(1);
    AtomicBoolean cancelled = new AtomicBoolean();
    try (ComputeBudget.Permit held = budget.acquire(() -> {}, m -> {})) {
      cancelled.set(true);
      assertThatThrownBy(() -> budget.acquire(() -> {
        if (cancelled.get()) {
          throw new IllegalStateException("cancelled");
        }
      }, m -> {})).hasMessage("cancelled");
    }
    try (ComputeBudget.Permit again = budget.acquire(() -> {
      throw new AssertionError("must not wait");
    }, m -> {})) {
      assertThat(again).isNotNull();
    }
  }
}
