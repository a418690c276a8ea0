package io.snmfservice.web;

import java.io.IOException;
import java.io.Writer;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.tomcat.util.res.StringManager;

/**
 * Tomcat's own error page for requests it rejects before Spring sees them (an encoded NUL in the path, a malformed
 * request line): an RFC 9457 problem document instead of an HTML page, like every other error of the API.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

  @Override
  protected void report(Request request, Response response, Throwable throwable) {
    int status = response.getStatus();
    if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
      return;
    }
    String title = StringManager.getManager(ErrorReportValve.class).getString("http." + status + ".reason");
    if (title == null || title.startsWith("http.")) {
      title = "Error";
    }
    String detail = status == 400 ? "the request line or path is malformed" : title;
    try {
      response.setContentType("application/problem+json");
      response.setCharacterEncoding("UTF-8");
      Writer writer = response.getReporter();
      if (writer != null) {
        writer.write("{\"type\":\"about:blank\",\"title\":\"" + title.replace("\"", "'") + "\",\"status\":" + status
            + ",\"detail\":\"" + detail + "\"}");
        response.finishResponse();
      }
    } catch (IOException | IllegalStateException e) {
      // the client went away; nothing more to tell it
    }
  }
}
