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
 *       that answers "none" or "7" still tells something;</li>
 *   <li>histories ({@code _history}), naming the versions shown;</li>
 *   <li>each of these inside a batch too.</li>
 * </ul>
 */
@Component
public class OperationAudit implements YilianInterceptor {

	private static final Set<RestOperationTypeEnum> OPERATIONS = Set.of(RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE,
			RestOperationTypeEnum.EXTENDED_OPERATION_TYPE, RestOperationTypeEnum.EXTENDED_OPERATION_SERVER);
	private static final Set<RestOperationTypeEnum> SEARCHES = Set.of(RestOperationTypeEnum.SEARCH_TYPE, RestOperationTypeEnum.SEARCH_SYSTEM,
			RestOperationTypeEnum.GET_PAGE);

	static final String OPERATION = "https://yilian.health/fhir/operation";
	private static final Set<RestOperationTypeEnum> HISTORIES = Set.of(RestOperationTypeEnum.HISTORY_INSTANCE,
			RestOperationTypeEnum.HISTORY_TYPE, RestOperationTypeEnum.HISTORY_SYSTEM);

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
			log.recordOnItsOwn(disclosing(InteractionEvent.of(request, 200, request.getOperation(), clock), request.getOperation(), response));
		} else if (HISTORIES.contains(interaction)) {
			log.recordOnItsOwn(disclosing(InteractionEvent.of(request, 200, "history", clock), "_history", response));
		} else if (SEARCHES.contains(interaction) && response instanceof Bundle bundle && !bundle.hasEntry()) {
			log.recordOnItsOwn(InteractionEvent.of(request, 200, bundle.hasTotal() ? "count " + bundle.getTotal() : "no match", clock));
		} else if ((interaction == RestOperationTypeEnum.BATCH || interaction == RestOperationTypeEnum.TRANSACTION)
				&& request.getResource() instanceof Bundle batch && response instanceof Bundle answers) {
			entriesOf(batch, answers, request);
		}
		return true;
	}

	/**
	 * A batch's entries are answered inside the batch, where no response hook runs for each: an operation, a history
	 * and a search that found nothing are recorded from the batch's answer, as the same request alone would be.
	 */
	private void entriesOf(Bundle batch, Bundle answers, RequestDetails request) {
		for (int i = 0; i < Math.min(batch.getEntry().size(), answers.getEntry().size()); i++) {
			Bundle.BundleEntryRequestComponent asked = batch.getEntry().get(i).getRequest();
			IBaseResource answer = answers.getEntry().get(i).getResource();
			if (asked.getMethod() != Bundle.HTTPVerb.GET || answer == null || !answers.getEntry().get(i).getResponse().getStatus().startsWith("2")) {
				continue; // writes are BALP's; a refused entry is recorded as refused
			}
			java.util.regex.Matcher operation = OPERATION_IN_URL.matcher(asked.getUrl());
			java.util.Optional<health.yilian.security.Caller> caller = health.yilian.security.Caller.of(request);
			if (operation.find()) {
				log.recordOnItsOwn(disclosing(InteractionEvent.of("GET", asked.getUrl(), java.util.Optional.empty(), 200, operation.group(1), caller, clock),
						operation.group(1), answer));
			} else if (answer instanceof Bundle history && history.getType() == Bundle.BundleType.HISTORY) {
				log.recordOnItsOwn(disclosing(InteractionEvent.of("GET", asked.getUrl(), java.util.Optional.empty(), 200, "history", caller, clock),
						"_history", answer));
			} else if (answer instanceof Bundle found && found.getType() == Bundle.BundleType.SEARCHSET && !found.hasEntry()) {
				log.recordOnItsOwn(InteractionEvent.of("GET", asked.getUrl(), java.util.Optional.empty(), 200,
						found.hasTotal() ? "count " + found.getTotal() : "no match", caller, clock));
			}
		}
	}

	private static final java.util.regex.Pattern OPERATION_IN_URL = java.util.regex.Pattern.compile("(?:^|/)(\\$[A-Za-z][A-Za-z0-9.-]*)");

	/** The interaction by name (AuditEvent?subtype=https://yilian.health/fhir/operation|$recognizable) and all it disclosed. */
	private static AuditEvent disclosing(AuditEvent event, String interaction, IBaseResource answer) {
		event.addSubtype(new Coding(OPERATION, interaction, null));
		disclosed(answer).forEach(what -> event.addEntity().setWhat(new Reference(what))
				.setType(what.startsWith("Patient/")
						? new Coding(BalpConstants.CS_AUDIT_ENTITY_TYPE, BalpConstants.CS_AUDIT_ENTITY_TYPE_1_PERSON, "Person")
						: new Coding(BalpConstants.CS_AUDIT_ENTITY_TYPE, BalpConstants.CS_AUDIT_ENTITY_TYPE_2_SYSTEM_OBJECT, "System Object")));
		return event;
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
