package health.yilian.server;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import health.yilian.security.Caller;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * FHIR requests as an operator reads them in Prometheus ({@code yilian_fhir_requests_seconds}): by interaction, resource
 * type, operation, the organisation of the client (its role for those bound to none) and status. Spring's own
 * {@code http_server_requests} sees HAPI's servlet from outside and labels every FHIR request {@code uri="UNKNOWN"}.
 * The organisation label has as many values as the alliance has members calling: right for a city medical group; a
 * provincial platform with thousands would drop it (a relabel rule in Prometheus).
 */
@Component
public class RequestMetrics implements YilianInterceptor {

	private final MeterRegistry meters;
	private final java.util.Set<String> types;

	public RequestMetrics(MeterRegistry meters, ca.uhn.fhir.context.FhirContext fhirContext) {
		this.meters = meters;
		this.types = fhirContext.getResourceTypes();
	}

	@Hook(Pointcut.SERVER_PROCESSING_COMPLETED)
	public void completed(RequestDetails request, ServletRequestDetails servlet) {
		String caller = Caller.of(request).map(c -> c.organization() != null ? c.organization() : c.role().name().toLowerCase(java.util.Locale.ROOT))
				.orElse("anonymous");
		Timer.builder("yilian.fhir.requests")
				.description("FHIR requests, by interaction, resource type, operation, caller organisation and status")
				.tag("interaction", request.getRestOperationType() == null ? "unknown" : request.getRestOperationType().getCode())
				// Label values only from what the server knows: a client inventing types or operations in URLs
				// (GET /fhir/Zz{uuid}) would otherwise make a new series per request.
				.tag("type", request.getResourceName() == null ? "-" : types.contains(request.getResourceName()) ? request.getResourceName() : "other")
				.tag("operation", request.getOperation() == null ? "-" : status(servlet) < 400 ? request.getOperation() : "other")
				.tag("organization", caller)
				.tag("status", Integer.toString(status(servlet)))
				.register(meters)
				.record(request.getRequestStopwatch().getMillis(), TimeUnit.MILLISECONDS);
	}

	private static int status(ServletRequestDetails servlet) {
		return servlet.getServletResponse() == null ? 0 : servlet.getServletResponse().getStatus();
	}
}
