package health.yilian.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import health.yilian.server.YilianInterceptor;
import java.util.Arrays;
import org.springframework.stereotype.Component;

/**
 * An auditor who reads the trail right after an interaction finds it: a read or search of AuditEvent, or one that
 * {@code _revinclude}s them, first stores every event already committed to the {@link AuditOutbox}.
 */
@Component
public class AuditSearchesSeeEveryEvent implements YilianInterceptor {

	private final AuditOutbox outbox;

	public AuditSearchesSeeEveryEvent(AuditOutbox outbox) {
		this.outbox = outbox;
	}

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void beforeHandling(RequestDetails request) {
		if ("AuditEvent".equals(request.getResourceName()) || revincludesAuditEvents(request)) {
			outbox.drainNow();
		}
	}

	private static boolean revincludesAuditEvents(RequestDetails request) {
		String[] revincludes = request.getParameters().get("_revinclude");
		return revincludes != null && Arrays.stream(revincludes).anyMatch(r -> r.startsWith("AuditEvent:"));
	}
}
