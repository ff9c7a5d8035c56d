package health.yilian.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import ca.uhn.fhir.storage.interceptor.balp.BalpConstants;
import health.yilian.server.YilianInterceptor;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.stereotype.Component;

/**
 * The interactions BALP's capture does not see, because it records only resources read through storage:
 * <ul>
 *   <li>operations, which read through the server ({@code $recognizable} hands a requester another hospital's reports,
 *       {@code $recognition} says why one is or is not shared): one event, naming every resource the answer disclosed
 *       and the patients they are about, so that {@code AuditEvent?patient=} finds who received them;</li>
 *   <li>searches that found nothing, and counts ({@code _summary=count}): one event with the query, since a search
 *       that answers "none" or "7" still tells something; inside a batch too.</li>
 * </ul>
 */
@Component
public class OperationAudit implements YilianInterceptor {

	private static final Set<RestOperationTypeEnum> OPERATIONS = Set.of(RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE,
			RestOperationTypeEnum.EXTENDED_OPERATION_TYPE, RestOperationTypeEnum.EXTENDED_OPERATION_SERVER);
	private static final Set<RestOperationTypeEnum> SEARCHES = Set.of(RestOperationTypeEnum.SEARCH_TYPE, RestOperationTypeEnum.SEARCH_SYSTEM,
			RestOperationTypeEnum.GET_PAGE);

	static final String OPERATION = "https://yilian.health/fhir/operation";

	private final AuditLog log;
	private final Clock clock;

	public OperationAudit(AuditLog log, Clock clock) {
		this.log = log;
		this.clock = clock;
	}

	@Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
	public boolean answered(RequestDetails request, ServletRequestDetails client, IBaseResource response) {
		if (client == null) {
			return true;
		}
		RestOperationTypeEnum interaction = request.getRestOperationType();
		if (OPERATIONS.contains(interaction)) {
			AuditEvent event = InteractionEvent.of(request, 200, request.getOperation(), clock);
			// The operation by name, so that an auditor asks for it: AuditEvent?subtype=https://yilian.health/fhir/operation|$recognizable
			event.addSubtype(new Coding(OPERATION, request.getOperation(), null));
			disclosed(response).forEach(what -> event.addEntity().setWhat(new Reference(what))
					.setType(what.startsWith("Patient/")
							? new Coding(BalpConstants.CS_AUDIT_ENTITY_TYPE, BalpConstants.CS_AUDIT_ENTITY_TYPE_1_PERSON, "Person")
							: new Coding(BalpConstants.CS_AUDIT_ENTITY_TYPE, BalpConstants.CS_AUDIT_ENTITY_TYPE_2_SYSTEM_OBJECT, "System Object")));
			log.recordOnItsOwn(event);
		} else if (SEARCHES.contains(interaction) && response instanceof Bundle bundle && !bundle.hasEntry()) {
			log.recordOnItsOwn(InteractionEvent.of(request, 200, bundle.hasTotal() ? "count " + bundle.getTotal() : "no match", clock));
		} else if ((interaction == RestOperationTypeEnum.BATCH || interaction == RestOperationTypeEnum.TRANSACTION)
				&& request.getResource() instanceof Bundle batch && response instanceof Bundle answers) {
			emptySearchesOf(batch, answers, request);
		}
		return true;
	}

	/**
	 * A batch's entries are answered inside the batch, where no response hook runs for each: a search entry that found
	 * nothing is recorded from the batch's answer, as the same search alone would be.
	 */
	private void emptySearchesOf(Bundle batch, Bundle answers, RequestDetails request) {
		for (int i = 0; i < Math.min(batch.getEntry().size(), answers.getEntry().size()); i++) {
			Bundle.BundleEntryRequestComponent asked = batch.getEntry().get(i).getRequest();
			if (asked.getMethod() == Bundle.HTTPVerb.GET && answers.getEntry().get(i).getResource() instanceof Bundle found
					&& found.getType() == Bundle.BundleType.SEARCHSET && !found.hasEntry()) {
				log.recordOnItsOwn(InteractionEvent.of("GET", asked.getUrl(), java.util.Optional.empty(), 200,
						found.hasTotal() ? "count " + found.getTotal() : "no match", health.yilian.security.Caller.of(request), clock));
			}
		}
	}

	/** Every resource an answer carries, and the patients its results are about. */
	private static Set<String> disclosed(IBaseResource response) {
		Set<String> what = new LinkedHashSet<>();
		if (response instanceof Bundle bundle) {
			for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
				if (entry.getResource() != null && entry.getResource().getIdElement().hasIdPart()) {
					what.add(entry.getResource().getIdElement().toUnqualifiedVersionless().getValue());
					Reference subject = entry.getResource() instanceof DiagnosticReport report ? report.getSubject()
							: entry.getResource() instanceof Observation result ? result.getSubject() : null;
					if (subject != null && subject.getReference() != null && subject.getReference().startsWith("Patient/")) {
						what.add(subject.getReference());
					}
				}
			}
		}
		return what;
	}
}
