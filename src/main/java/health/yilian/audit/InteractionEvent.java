package health.yilian.audit;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.storage.interceptor.balp.BalpConstants;
import health.yilian.security.Caller;
import java.time.Clock;
import java.util.Date;
import java.util.Optional;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;

/**
 * The audit event of one REST interaction that BALP's capture does not see: a refusal (HAPI's or the token
 * check's) or an operation. Same type, agents and source as BALP's events, so auditors search them alike.
 */
public final class InteractionEvent {

	private InteractionEvent() {}

	/** The interaction of a HAPI request: its method, path and query, and the resource it was addressed to. */
	static AuditEvent of(RequestDetails request, int status, String why, Clock clock) {
		String what = request.getRequestPath() + (request.getCompleteUrl() != null && request.getCompleteUrl().contains("?")
				? request.getCompleteUrl().substring(request.getCompleteUrl().indexOf('?')) : "");
		Optional<String> target = request.getId() != null && request.getId().hasIdPart() && request.getResourceName() != null
				? Optional.of(request.getResourceName() + "/" + request.getId().getIdPart()) : Optional.empty();
		return of(request.getRequestType().name(), what, target, status, why, Caller.of(request), clock);
	}

	/**
	 * One REST interaction as an AuditEvent: {@code outcome} 0 for success, 4 (minor failure) for a refusal, 8 for a
	 * server error.
	 */
	public static AuditEvent of(String method, String what, Optional<String> target, int status, String why, Optional<Caller> caller, Clock clock) {
		AuditEvent event = new AuditEvent();
		event.setType(new Coding(BalpConstants.CS_AUDIT_EVENT_TYPE, "rest", "Restful Operation"));
		event.setAction(switch (method) {
			case "POST" -> AuditEvent.AuditEventAction.C;
			case "PUT", "PATCH" -> AuditEvent.AuditEventAction.U;
			case "DELETE" -> AuditEvent.AuditEventAction.D;
			default -> AuditEvent.AuditEventAction.R;
		});
		event.setRecorded(Date.from(clock.instant()));
		event.setOutcome(status >= 500 ? AuditEvent.AuditEventOutcome._8 : status >= 400 ? AuditEvent.AuditEventOutcome._4 : AuditEvent.AuditEventOutcome._0);
		event.setOutcomeDesc("HTTP " + status + (why == null ? "" : ": " + why));
		event.addAgent().setWho(AuditAgents.client(caller)).setRequestor(true)
				.setType(new org.hl7.fhir.r4.model.CodeableConcept(new Coding("http://dicom.nema.org/resources/ontology/DCM", "110150", "Application")));
		Reference user = AuditAgents.user(caller);
		if (user.hasReference()) {
			event.addAgent().setWho(user).setRequestor(false);
		}
		event.getSource().setObserver(new Reference().setDisplay("Yilian FHIR server"));
		AuditEvent.AuditEventEntityComponent entity = event.addEntity().setDescription(method + " " + what)
				.setType(new Coding(BalpConstants.CS_AUDIT_ENTITY_TYPE, BalpConstants.CS_AUDIT_ENTITY_TYPE_2_SYSTEM_OBJECT, "System Object"));
		target.ifPresent(t -> entity.setWhat(new Reference(t)));
		return event;
	}
}
