package io.snmfservice.audit;

import io.snmfservice.config.ConditionalOnRole;
import io.snmfservice.web.PageView;
import io.snmfservice.web.Paging;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The audit trail for admins (the filter chain admits only admin keys), newest first. */
@RestController
@ConditionalOnRole(ConditionalOnRole.Half.API)
class AuditController {

  private final AuditLog audit;

  AuditController(AuditLog audit) {
    this.audit = audit;
  }

  @GetMapping("/v1/audit")
  PageView<AuditEntry> list(
      @RequestParam(required = false) Long keyId,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "20") int size) {
    Paging paging = Paging.of(page, size);
    return new PageView<>(audit.list(keyId, paging.offset(), paging.size()), paging.page(), paging.size(),
        audit.count(keyId));
  }
}
