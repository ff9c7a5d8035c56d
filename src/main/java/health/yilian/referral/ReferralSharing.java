package health.yilian.referral;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceOrListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import health.yilian.guide.TaskKind;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;

/**
 * What a referral shares (002 §3.2.5: the sender gives the receiver "所转送患者的有关诊疗资料"; 003: the higher level
 * follows up the patients it referred down):
 * <ul>
 *   <li>the <b>receiver</b> reads the sender's referred Patient record and the records named as supporting information
 *       (with the results of a supporting report), and, while the referral is open, the sender's other records of the
 *       person;</li>
 *   <li>the <b>sender</b> reads the receiver's feedback: what the referral Task names as its output.</li>
 * </ul>
 * Nothing else: sending a referral opens none of the receiver's own records. Whether the patient's sharing consent
 * allows it is the access policy's question ({@code security.AccessPolicy}), not this one's.
 */
@Component
public class ReferralSharing {

	private static final Set<Task.TaskStatus> CLOSED = EnumSet.of(Task.TaskStatus.CANCELLED, Task.TaskStatus.COMPLETED,
			Task.TaskStatus.FAILED, Task.TaskStatus.REJECTED, Task.TaskStatus.ENTEREDINERROR);

	private final DaoRegistry daoRegistry;

	public ReferralSharing(DaoRegistry daoRegistry) {
		this.daoRegistry = daoRegistry;
	}

	/** One referral as sharing sees it: its parties (organisations), whether it is open, what it hands each way. */
	public record Referral(String sender, Set<String> receivers, boolean open, String subject, Set<String> supporting, Set<String> feedback) {

		/** Whether the receiving side {@code organization} may read {@code reference}, a record of the sender's. */
		public boolean sharesWithReceiver(String organization, String reference, boolean senderOwnsIt) {
			return receivers.contains(organization) && senderOwnsIt
					&& (reference.equals(subject) || supporting.contains(reference) || open);
		}

		/** Whether the sender {@code organization} may read {@code reference}, a receiver's record, as its feedback. */
		public boolean feedsBackTo(String organization, String reference, boolean receiverOwnsIt) {
			return sender.equals(organization) && receiverOwnsIt && feedback.contains(reference);
		}
	}

	/** Every referral (two-way referral ServiceRequest) of any of these Patient records. */
	public List<Referral> of(Collection<String> patientRecords) {
		if (patientRecords.isEmpty()) {
			return List.of();
		}
		ReferenceOrListParam subjects = new ReferenceOrListParam();
		patientRecords.forEach(p -> subjects.addOr(new ReferenceParam(p)));
		SearchParameterMap search = SearchParameterMap.newSynchronous();
		search.add(ServiceRequest.SP_SUBJECT, subjects);
		List<ServiceRequest> requests = daoRegistry.getResourceDao(ServiceRequest.class).search(search, new SystemRequestDetails())
				.getAllResources().stream().map(ServiceRequest.class::cast).filter(ReferralRules::isReferral).toList();
		return requests.stream().map(this::referral).toList();
	}

	private Referral referral(ServiceRequest request) {
		String id = request.getIdElement().toUnqualifiedVersionless().getValue();
		List<Task> tasks = daoRegistry.getResourceDao(Task.class)
				.search(SearchParameterMap.newSynchronous(Task.SP_FOCUS, new ReferenceParam(id)), new SystemRequestDetails())
				.getAllResources().stream().map(Task.class::cast).filter(TaskKind.REFERRAL::of).toList();
		boolean open = request.getStatus() == ServiceRequest.ServiceRequestStatus.ACTIVE
				&& tasks.stream().noneMatch(t -> CLOSED.contains(t.getStatus()));
		Set<String> supporting = new HashSet<>();
		request.getSupportingInfo().forEach(r -> supporting.add(versionless(r)));
		supporting.addAll(resultsOf(supporting));
		Set<String> receivers = new HashSet<>();
		request.getPerformer().forEach(p -> organizationOf(p).ifPresent(receivers::add));
		String sender = organizationOf(request.getRequester()).orElse("");
		// Feedback is what the referral's own Task (from its sender to a receiver) names as output, which only the
		// receiver writes (security.AccessPolicy).
		Set<String> feedback = new HashSet<>();
		tasks.stream().filter(t -> organizationOf(t.getRequester()).map(sender::equals).orElse(false)
						&& organizationOf(t.getOwner()).map(receivers::contains).orElse(false))
				.forEach(t -> t.getOutput().stream().filter(o -> o.getValue() instanceof Reference)
						.forEach(o -> feedback.add(versionless((Reference) o.getValue()))));
		return new Referral(sender, receivers, open, versionless(request.getSubject()), supporting, feedback);
	}

	/** The Observations of supporting reports: handing over a report hands over its results. */
	private Set<String> resultsOf(Set<String> supporting) {
		Set<String> results = new HashSet<>();
		supporting.stream().filter(r -> r.startsWith("DiagnosticReport/")).forEach(r -> {
			try {
				daoRegistry.getResourceDao(DiagnosticReport.class).read(new IdType(r), new SystemRequestDetails())
						.getResult().forEach(o -> results.add(versionless(o)));
			} catch (ResourceNotFoundException | ResourceGoneException e) {
				// A supporting report since deleted shares nothing.
			}
		});
		return results;
	}

	/** The organisation a referral party stands for: itself, or a PractitionerRole's organisation. */
	public Optional<String> organizationOf(Reference party) {
		String reference = versionless(party);
		if (reference.startsWith("Organization/")) {
			return Optional.of(reference);
		}
		if (reference.startsWith("PractitionerRole/")) {
			try {
				PractitionerRole role = daoRegistry.getResourceDao(PractitionerRole.class).read(new IdType(reference), new SystemRequestDetails());
				return Optional.ofNullable(role.getOrganization().getReference()).map(r -> new IdType(r).toUnqualifiedVersionless().getValue());
			} catch (ResourceNotFoundException | ResourceGoneException e) {
				return Optional.empty();
			}
		}
		return Optional.empty();
	}

	private static String versionless(Reference reference) {
		return reference.getReference() == null ? "" : new IdType(reference.getReference()).toUnqualifiedVersionless().getValue();
	}
}
