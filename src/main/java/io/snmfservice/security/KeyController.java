package io.snmfservice.security;

import io.snmfservice.config.ConditionalOnRole;
import io.snmfservice.web.PageView;
import io.snmfservice.web.Paging;
import jakarta.validation.Valid;
import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Key management for admins (the filter chain admits only admin keys to /v1/keys). */
@RestController
@RequestMapping("/v1/keys")
@ConditionalOnRole(ConditionalOnRole.Half.API)
class KeyController {

  private final ApiKeys keys;

  KeyController(ApiKeys keys) {
    this.keys = keys;
  }

  /** 201 with the new key's secret, shown only in this response. */
  @PostMapping
  ResponseEntity<CreatedApiKey> create(@Valid @RequestBody CreateKeyRequest request) {
    CreatedApiKey created =
        keys.create(request.name().trim(), Role.parse(request.role()), request.expiresAt(), Caller.currentKeyId());
    return ResponseEntity.created(URI.create("/v1/keys/" + created.apiKey().id())).body(created);
  }

  @GetMapping
  PageView<ApiKeyView> list(@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
    Paging paging = Paging.of(page, size);
    return new PageView<>(keys.list(paging.offset(), paging.size()), paging.page(), paging.size(), keys.count());
  }

  @GetMapping("/{id}")
  ApiKeyView get(@PathVariable long id) {
    return keys.get(id);
  }

  /** Revokes the key; it stays listed (with {@code revokedAt}) so that audit entries keep their author. */
  @DeleteMapping("/{id}")
  ApiKeyView revoke(@PathVariable long id) {
    return keys.revoke(id);
  }
}
