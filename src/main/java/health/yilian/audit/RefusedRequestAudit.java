package health.yilian.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import health.yilian.server.YilianInterceptor;
import java.time.Clock;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A refused request leaves an audit record and nothing else: 400, 403, 404, 409, 412 and 422 alike, with the
 * client, its organisation, what it asked for and why it was refused. BALP captures only what succeeded; this
 * is the other half. (401s are refused before HAPI, by the token check, which records them with {@link InteractionEvent}.)
 */
@Component
public class RefusedRequestAudit implements YilianInterceptor {

	private final AuditLog log;
	private final Clock clock;

	public RefusedRequestAudit(AuditLog log, Clock clock) {
		this.log = log;
		this.clock = clock;
	}

	@Hook(Pointcut.SERVER_HANDLE_EXCEPTION)
	public boolean refused(RequestDetails request, BaseServerResponseException exception) {
		try {
			log.recordOnItsOwn(InteractionEvent.of(request, exception.getStatusCode(), exception.getMessage(), clock));
		} catch (RuntimeException e) {
			// The client still gets its answer; the lost record is in the server log for the operators.
			LoggerFactory.getLogger(RefusedRequestAudit.class).error("Could not record the refusal of {} {}", request.getRequestType(), request.getCompleteUrl(), e);
		}
		return true;
	}
}
