package io.snmfservice.ui;

import io.snmfservice.audit.AuditLog;
import io.snmfservice.config.ConditionalOnRole;
import io.snmfservice.errors.DomainException;
import io.snmfservice.errors.Invalid;
import io.snmfservice.security.ApiKeys;
import io.snmfservice.security.Caller;
import io.snmfservice.security.CreateKeyRequest;
import io.snmfservice.security.CreatedApiKey;
import io.snmfservice.security.Role;
import io.snmfservice.web.Paging;
import jakarta.servlet.http.HttpServletResponse;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The admin pages (the dashboard's access control admits only admin keys): API keys — list, create (the secret
 * shown once, on the answer to the form, never stored), revoke — and the audit trail, newest first.
 */
@Controller
@ConditionalOnRole(ConditionalOnRole.Half.API)
class AdminController {

  static final int PAGE_SIZE = 50;

  private final ApiKeys keys;
  private final AuditLog audit;
  private final Forms forms;

  AdminController(ApiKeys keys, AuditLog audit, Forms forms) {
    this.keys = keys;
    this.audit = audit;
    this.forms = forms;
  }

  @GetMapping("/ui/keys")
  String keys(@RequestParam(defaultValue = "0") int page, Model model) {
    Paging paging = Paging.ofLink(page, PAGE_SIZE);
    if (!model.containsAttribute("form")) {
      model.addAttribute("form", new LinkedMultiValueMap<String, String>());
    }
    model.addAttribute("keys", keys.list(paging.offset(), PAGE_SIZE));
    model.addAttribute("page", paging.page());
    model.addAttribute("pages", pages(keys.count()));
    model.addAttribute("ownKeyId", Caller.currentKeyId());
    return "ui/keys";
  }

  /** The API's POST /v1/keys as a form; an expiry date is the start of that day in UTC. */
  @PostMapping("/ui/keys")
  String create(@RequestParam MultiValueMap<String, String> form, Model model, HttpServletResponse response) {
    try {
      Forms.Values v = Forms.of(form).text("name").text("role");
      String expires = form.getFirst("expiresOn");
      if (expires != null && !expires.isBlank()) {
        try {
          v.put("expiresAt", LocalDate.parse(expires.strip()).atStartOfDay(ZoneOffset.UTC).toInstant());
        } catch (DateTimeParseException e) {
          throw Invalid.malformed("expiresOn: '" + expires + "' is not a date (yyyy-mm-dd)");
        }
      }
      CreateKeyRequest request = forms.bind(v.map(), CreateKeyRequest.class);
      CreatedApiKey created = keys.create(request.name().trim(), Role.parse(request.role()), request.expiresAt(),
          Caller.currentKeyId());
      model.addAttribute("created", created);
      response.setStatus(HttpServletResponse.SC_CREATED);
    } catch (DomainException e) {
      response.setStatus(e.status());
      model.addAttribute("problem", Problem.of(e));
      model.addAttribute("form", form);
    }
    return keys(0, model);
  }

  @PostMapping("/ui/keys/{id}/revoke")
  String revoke(@PathVariable long id, Model model, HttpServletResponse response, RedirectAttributes redirect) {
    try {
      var revoked = keys.revoke(id);
      redirect.addFlashAttribute("notice", "Revoked key " + revoked.id() + " (" + revoked.name() + ").");
      return "redirect:/ui/keys";
    } catch (DomainException e) {
      response.setStatus(e.status());
      model.addAttribute("problem", Problem.of(e));
      return keys(0, model);
    }
  }

  /** Newest first; {@code keyId} narrows it to one key's requests (an indexed lookup). */
  @GetMapping("/ui/audit")
  String audit(@RequestParam(required = false) Long keyId, @RequestParam(defaultValue = "0") int page,
      Model model) {
    Paging paging = Paging.ofLink(page, PAGE_SIZE);
    model.addAttribute("entries", audit.list(keyId, paging.offset(), PAGE_SIZE));
    long total = audit.count(keyId);
    model.addAttribute("total", total);
    model.addAttribute("page", paging.page());
    model.addAttribute("pages", pages(total));
    model.addAttribute("keyId", keyId);
    model.addAttribute("keys", keys.list(0, Paging.MAX_SIZE));
    return "ui/audit";
  }

  private static long pages(long total) {
    return Math.max(1, (total + PAGE_SIZE - 1) / PAGE_SIZE);
  }
}
