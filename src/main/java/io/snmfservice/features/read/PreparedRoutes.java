package io.snmfservice.features.read;

import io.snmfservice.config.ConditionalOnRole;
import io.snmfservice.errors.Invalid;
import io.snmfservice.web.Paging;
import jakarta.servlet.http.HttpServletRequest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * The prepared answers ({@link PreparedReads}) of well-formed feature reads, found without Spring MVC: its route
 * lookup and argument binding cost a cold read more CPU than the read's query (a JFR profile of the list page:
 * most of the service's samples in handler lookup, argument resolution and return value handling). Anything but
 * the plain successful case — a parameter in another spelling, an invalid value, a factorization whose reads were
 * not prepared, a missing row — answers null, and the controllers, which hold the reference
 * semantics, answer the request as before. So a number must be written in plain decimal here (the controllers also
 * read {@code 010} and {@code 0x8}), and a parameter given twice or empty goes to them too.
 */
@Component
@ConditionalOnRole(ConditionalOnRole.Half.API)
class PreparedRoutes {

  private static final Pattern FEATURE = Pattern.compile("/v1/features/(\\d+)(/(top-inputs|examples|vocab))?");
  private static final Pattern FACTORIZATION = Pattern.compile("/v1/factorizations/(\\d+)/features(/search)?");
  private static final Pattern PLAIN_ID = Pattern.compile("0|[1-9][0-9]{0,17}");
  /** Nine digits at most: always an int. */
  private static final Pattern PLAIN_INT = Pattern.compile("0|[1-9][0-9]{0,8}");

  private final PreparedReads prepared;
  private final FeatureQueries queries;

  PreparedRoutes(PreparedReads prepared, FeatureQueries queries) {
    this.prepared = prepared;
    this.queries = queries;
  }

  /**
   * The answer of a GET on one of the prepared read routes, or null to leave the request to the controllers.
   *
   * @throws DataAccessException as the controllers' reads would (the caller answers it as they do)
   */
  byte[] answer(HttpServletRequest request) {
    String path = request.getRequestURI();
    Matcher feature = FEATURE.matcher(path);
    if (feature.matches()) {
      Long id = id(feature.group(1));
      return id == null ? null : featureRead(id, feature.group(3));
    }
    Matcher factorization = FACTORIZATION.matcher(path);
    if (factorization.matches()) {
      Long id = id(factorization.group(1));
      if (id == null) {
        return null;
      }
      return factorization.group(2) == null ? features(id, request) : search(id, request);
    }
    return null;
  }

  private byte[] featureRead(long id, String read) {
    if (read == null) {
      return prepared.detail(id);
    }
    return switch (read) {
      case "top-inputs" -> prepared.topInputs(id);
      case "examples" -> prepared.examples(id);
      default -> prepared.vocab(id);
    };
  }

  private byte[] features(long id, HttpServletRequest request) {
    Integer level = number(request, "level", 0);
    String sort = text(request, "sort", "index");
    String order = text(request, "order", "asc");
    Paging paging = paging(request);
    if (level == null || sort == null || order == null || paging == null || !FeatureQueries.SORTS.contains(sort)
        || !(order.equals("asc") || order.equals("desc"))) {
      return null;
    }
    boolean descending = order.equals("desc");
    if (PreparedReads.storesPagesOf(paging.size())) {
      return prepared.storedPageIfPrepared(id, level, sort, descending, paging.page(), paging.size());
    }
    FeatureQueries.Levels levels = queries.levelsIfAny(id);
    if (levels == null || !levels.prepared() || level >= levels.sizes().size()) {
      return null;
    }
    return prepared.features(id, level, sort, descending, paging.page(), paging.size(), levels.sizes().get(level));
  }

  private byte[] search(long id, HttpServletRequest request) {
    String token = text(request, "token", null);
    Paging paging = paging(request);
    if (token == null || token.isBlank() || request.getParameterValues("text") != null || paging == null) {
      return null;
    }
    return prepared.searchByToken(id, token, paging.page(), paging.size());
  }

  /** Page and size when both are valid (else the controllers give the 4xx). */
  private static Paging paging(HttpServletRequest request) {
    Integer page = number(request, "page", 0);
    Integer size = number(request, "size", 20);
    if (page == null || size == null) {
      return null;
    }
    try {
      return Paging.of(page, size);
    } catch (Invalid e) {
      return null;
    }
  }

  /** A parameter given once in plain decimal, or its default when absent; null otherwise. */
  private static Integer number(HttpServletRequest request, String name, int absent) {
    String value = text(request, name, Integer.toString(absent));
    return value != null && PLAIN_INT.matcher(value).matches() ? Integer.valueOf(value) : null;
  }

  /** A parameter given once and not empty, or its default when absent; null otherwise. */
  private static String text(HttpServletRequest request, String name, String absent) {
    String[] values = request.getParameterValues(name);
    if (values == null) {
      return absent;
    }
    return values.length == 1 && !values[0].isEmpty() ? values[0] : null;
  }

  private static Long id(String digits) {
    return PLAIN_ID.matcher(digits).matches() ? Long.valueOf(digits) : null;
  }
}
