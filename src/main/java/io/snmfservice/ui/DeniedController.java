package io.snmfservice.ui;

import io.snmfservice.config.ConditionalOnRole;
import io.snmfservice.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.WebAttributes;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * The 403 page: the dashboard's access control forwards here (any method) when a signed-in key's role is too low
 * for a page or form, or a form came without a valid CSRF token.
 */
@Controller
@ConditionalOnRole(ConditionalOnRole.Half.API)
class DeniedController {

  @RequestMapping("/ui/denied")
  String denied(HttpServletRequest request, HttpServletResponse response, Model model) {
    String detail = request.getAttribute(WebAttributes.ACCESS_DENIED_403) instanceof CsrfException
        ? "the form's CSRF token is missing or no longer valid; reload the page and send the form again"
        : "the signed-in key" + Caller.current().map(c -> " (role " + c.role().lowerName() + ")").orElse("")
            + " may not open this page or send this form";
    response.setStatus(HttpStatus.FORBIDDEN.value());
    model.addAttribute("problem", Problem.of(HttpStatus.FORBIDDEN, detail));
    return "ui/error";
  }
}
