package health.yilian.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.IdType;
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
	private final DaoRegistry daoRegistry;

	public RefusedRequestAudit(AuditLog log, Clock clock, DaoRegistry daoRegistry) {
		this.log = log;
		this.clock = clock;
		this.daoRegistry = daoRegistry;
	}

	@Hook(Pointcut.SERVER_HANDLE_EXCEPTION)
	public boolean refused(RequestDetails request, BaseServerResponseException exception) {
		try {
			AuditEvent event = InteractionEvent.of(request, exception.getStatusCode(), exception.getMessage(), clock);
			event.getEntity().stream().filter(e -> e.getWhat().hasReference() && !stored(e.getWhat().getReference()))
					.forEach(e -> e.setWhat(AuditOutbox.byIdentifier(e.getWhat().getReference())));
			log.recordOnItsOwn(event);
		} catch (RuntimeException e) {
			// The client still gets its answer; the lost record is in the server log for the operators.
			LoggerFactory.getLogger(RefusedRequestAudit.class).error("Could not record the refusal of {} {}", request.getRequestType(), request.getCompleteUrl(), e);
		}
		return true;
	}

	/**
	 * A refused create-by-id, or a read of an id that never existed or was deleted, names a resource the database does not hold, and
	 * a reference to it would fail the event's own insert: such a target is named by identifier instead.
	 */
	private boolean stored(String reference) {
		IdType id = new IdType(reference);
		try {
			return id.hasResourceType() && daoRegistry.isResourceTypeSupported(id.getResourceType())
					&& daoRegistry.getResourceDao(id.getResourceType()).read(id, new SystemRequestDetails()) != null;
		} catch (ResourceNotFoundException | ResourceGoneException | ca.uhn.fhir.rest.server.exceptions.InvalidRequestException e) {
			return false;
		}
	}
}
