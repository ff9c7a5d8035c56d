package health.yilian.server;

import java.io.IOException;
import java.io.Writer;
import java.util.Map;
import java.util.WeakHashMap;
import org.apache.catalina.Container;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * What Tomcat refuses before the FHIR servlet sees a request (a URL or header too long, a character it does not
 * allow) is answered as every other refusal: an OperationOutcome in JSON, not Tomcat's HTML page, and audited. The characters FHIR
 * URLs carry in queries ({@code |} of {@code system|value}, brackets, braces) are allowed ({@code
 * server.tomcat.relaxed-query-chars} in application.yaml).
 */
@Component
public class JsonErrorPages implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

	/**
	 * Who records what Tomcat refuses, per host: Tomcat makes the valve itself (by class name), so it cannot be handed
	 * its collaborators, and one JVM may run several servers (the tests restart one), each with its own audit log.
	 */
	private static final Map<Container, RefusalRecorder> RECORDERS = java.util.Collections.synchronizedMap(new WeakHashMap<>());

	private final RefusalRecorder recorder;

	/** Records a request refused before the FHIR servlet: its method, URI (cut to 500 characters), status and reason. */
	@FunctionalInterface
	public interface RefusalRecorder {
		void refused(String method, String uri, int status, String why);
	}

	/** The audit log is looked up at the first refusal: the web server is made before HAPI's storage is. */
	public JsonErrorPages(org.springframework.beans.factory.ObjectProvider<health.yilian.audit.AuditLog> audit, java.time.Clock clock) {
		this.recorder = (method, uri, status, why) -> audit.getObject().recordOnItsOwn(health.yilian.audit.InteractionEvent.of(method,
				uri.length() > 500 ? uri.substring(0, 500) + "…" : uri, java.util.Optional.empty(), status, why, java.util.Optional.empty(), clock));
	}

	@Override
	public void customize(TomcatServletWebServerFactory factory) {
		factory.addContextCustomizers(context -> {
			if (context.getParent() instanceof StandardHost host) {
				host.setErrorReportValveClass(OperationOutcomeValve.class.getName());
				RECORDERS.put(host, recorder);
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
			if (status == 500 && DatabaseUnavailable.causedByUnavailableDatabase(throwable)) {
				// Failed before HAPI for want of the database (the token check asks the client registry): 503, as inside.
				status = 503;
				response.setStatus(503);
				response.setHeader("Retry-After", DatabaseUnavailable.RETRY_AFTER_SECONDS);
			}
			String message = response.getMessage() == null ? "" : response.getMessage();
			String why = switch (status) {
				case 400 -> "the request is not valid HTTP: a character not allowed in a URL, a malformed header, or a URL or header"
						+ " longer than this server accepts (send a long search as POST [type]/_search)";
				case 413 -> "the request is too large";
				case 414, 431 -> "the URL or a header is longer than this server accepts: send the search as POST [type]/_search";
				case 503 -> DatabaseUnavailable.message();
				default -> "HTTP " + status;
			} + (message.isBlank() ? "" : ": " + message);
			try {
				// Refused before the servlet, so before HAPI, the token check and their audit: audited here, as anonymous.
				RECORDERS.getOrDefault(getContainer(), (method, uri, code, reason) -> { }).refused(request.getMethod() == null ? "GET" : request.getMethod(),
						String.valueOf(request.getRequestURI()) + (request.getQueryString() == null ? "" : "?" + request.getQueryString()), status, why);
			} catch (RuntimeException e) {
				// The refusal is answered even when it cannot be recorded (the database may be what is failing).
			}
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
