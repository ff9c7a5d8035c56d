package health.yilian.server;

import java.io.IOException;
import java.io.Writer;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * What Tomcat refuses before the FHIR servlet sees a request (a URL or header too long, a character it does not
 * allow) is answered as every other refusal: an OperationOutcome in JSON, not Tomcat's HTML page. The characters FHIR
 * URLs carry in queries ({@code |} of {@code system|value}, brackets, braces) are allowed ({@code
 * server.tomcat.relaxed-query-chars} in application.yaml).
 */
@Component
public class JsonErrorPages implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

	@Override
	public void customize(TomcatServletWebServerFactory factory) {
		factory.addContextCustomizers(context -> {
			if (context.getParent() instanceof StandardHost host) {
				host.setErrorReportValveClass(OperationOutcomeValve.class.getName());
			}
		});
	}

	/** Tomcat's error report, as an OperationOutcome. */
	public static class OperationOutcomeValve extends ErrorReportValve {

		@Override
		protected void report(Request request, Response response, Throwable throwable) {
			int status = response.getStatus();
			if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
				return;
			}
			String message = response.getMessage() == null ? "" : response.getMessage();
			String why = switch (status) {
				case 400 -> "the request is not valid HTTP: a character not allowed in a URL, a malformed header, or a URL or header"
						+ " longer than this server accepts (send a long search as POST [type]/_search)";
				case 413 -> "the request is too large";
				case 414, 431 -> "the URL or a header is longer than this server accepts: send the search as POST [type]/_search";
				default -> "HTTP " + status;
			} + (message.isBlank() ? "" : ": " + message);
			try {
				response.setContentType("application/fhir+json");
				response.setCharacterEncoding("UTF-8");
				Writer writer = response.getReporter();
				if (writer != null) {
					writer.write("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"invalid\",\"diagnostics\":\""
							+ why.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}]}");
					response.finishResponse();
				}
			} catch (IOException | IllegalStateException e) {
				// The client has gone; nothing to answer.
			}
		}
	}

}
