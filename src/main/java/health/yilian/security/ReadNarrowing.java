package health.yilian.security;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentInterceptor;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentOutcome;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentContextServices;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentService;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import health.yilian.membership.MemberRoll;
import health.yilian.membership.Memberships;
import health.yilian.server.ClockConfig;
import health.yilian.server.YilianInterceptor;
import health.yilian.sharing.PatientRecords;
import health.yilian.sharing.SharingConsents;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;

/**
 * What a hospital system may read, through HAPI's consent mechanism (reads, searches, {@code _include}s and
 * history alike; what it may not see is left out of a search, and a read of it is refused):
 * <ul>
 *   <li>its own data: reports and results its departments performed, referrals and Tasks it sends or receives,
 *       patients with its record number;</li>
 *   <li>the records of a patient it has a referral with, in either direction, while the patient's sharing consent
 *       allows sharing in an alliance it belongs to;</li>
 *   <li>other members' results otherwise only through {@code $recognizable} and {@code $recognition}, which apply
 *       the recognition rules themselves;</li>
 *   <li>the alliance directory (organisations, memberships, brand grants) and the guide; never the audit trail.</li>
 * </ul>
 * Auditors and operators see everything; the server's own reads are not narrowed.
 */
@Component
public class ReadNarrowing extends ConsentInterceptor implements YilianInterceptor {

	private static final Set<String> SELF_GUARDED_OPERATIONS = Set.of("$recognizable", "$recognition", "$brand-check", "$recognition-rate",
			"$validate", "$meta");
	static final String MRN = "https://yilian.health/fhir/sid/mrn/";
	static final String USCC = "https://yilian.health/fhir/sid/uscc";

	public ReadNarrowing(DaoRegistry daoRegistry, MemberRoll roll, PatientRecords patientRecords, SharingConsents sharing, Clock clock) {
		super(new Rules(daoRegistry, roll, patientRecords, sharing, clock));
	}

	/**
	 * Auditors, operators and the server itself are not narrowed at all: HAPI's consent mechanism then also leaves
	 * their {@code _summary=count} alone, which it refuses to narrowed callers (a count would tell what they may not
	 * see). Invoked through the superclass's hook.
	 */
	@Override
	public void interceptPreHandled(RequestDetails request) {
		if (Rules.narrowed(request).isEmpty()) {
			ConsentInterceptor.skipAllConsentForRequest(request);
		}
		super.interceptPreHandled(request);
	}

	record Rules(DaoRegistry daoRegistry, MemberRoll roll, PatientRecords patientRecords, SharingConsents sharing, Clock clock)
			implements IConsentService {

		@Override
		public ConsentOutcome startOperation(RequestDetails request, IConsentContextServices context) {
			Optional<Caller> caller = narrowed(request);
			boolean guarded = request.getOperation() != null && SELF_GUARDED_OPERATIONS.contains(request.getOperation());
			return caller.isEmpty() || guarded ? ConsentOutcome.AUTHORIZED : ConsentOutcome.PROCEED;
		}

		@Override
		public ConsentOutcome canSeeResource(RequestDetails request, IBaseResource resource, IConsentContextServices context) {
			Optional<Caller> caller = narrowed(request);
			if (caller.isEmpty()) {
				return ConsentOutcome.AUTHORIZED;
			}
			return mayRead(caller.get(), resource, request) ? ConsentOutcome.AUTHORIZED : ConsentOutcome.REJECT;
		}

		/** A hospital system's REST request; everyone and everything else reads unnarrowed. */
		static Optional<Caller> narrowed(RequestDetails request) {
			if (!(request instanceof ServletRequestDetails)) {
				return Optional.empty();
			}
			return Caller.current().filter(c -> c.role() == SecurityProperties.Role.SYSTEM);
		}

		private boolean mayRead(Caller caller, IBaseResource resource, RequestDetails request) {
			String type = resource.fhirType();
			if (type.equals("AuditEvent")) {
				return false;
			}
			if (resource instanceof DiagnosticReport report) {
				return performedBy(caller, report.getPerformer()) || sharedThroughReferral(caller, report.getSubject().getReference(), request);
			}
			if (resource instanceof Observation result) {
				return performedBy(caller, result.getPerformer()) || sharedThroughReferral(caller, result.getSubject().getReference(), request);
			}
			if (resource instanceof ServiceRequest referral) {
				return caller.actsFor(referral.getRequester().getReference())
						|| referral.getPerformer().stream().anyMatch(p -> caller.actsFor(p.getReference()));
			}
			if (resource instanceof Task task) {
				return caller.actsFor(task.getRequester().getReference()) || caller.actsFor(task.getOwner().getReference());
			}
			if (resource instanceof Patient patient) {
				String id = patient.getIdElement().toUnqualifiedVersionless().getValue();
				return hasItsRecordNumber(caller, patient) || sharedThroughReferral(caller, id, request);
			}
			return true;
		}

		private boolean performedBy(Caller caller, List<Reference> performers) {
			return performers.stream().anyMatch(p -> caller.actsForAnyOf(roll.partOfChain(p.getReference())));
		}

		private boolean hasItsRecordNumber(Caller caller, Patient patient) {
			Optional<String> uscc = roll.organization(caller.organization()).flatMap(o -> o.getIdentifier().stream()
					.filter(i -> USCC.equals(i.getSystem())).map(i -> i.getValue()).findFirst());
			return uscc.isPresent() && patient.getIdentifier().stream().anyMatch(i -> (MRN + uscc.get()).equals(i.getSystem()));
		}

		/**
		 * The patient (any of the person's records) has a referral the caller sent or received, and the person's
		 * sharing consent allows sharing in an alliance the caller is a member of today. Answered once per patient
		 * and request.
		 */
		private boolean sharedThroughReferral(Caller caller, String patient, RequestDetails request) {
			if (patient == null || !patient.startsWith("Patient/")) {
				return false;
			}
			@SuppressWarnings("unchecked")
			Map<String, Boolean> answers = (Map<String, Boolean>) request.getUserData()
					.computeIfAbsent(ReadNarrowing.class.getName(), k -> new HashMap<String, Boolean>());
			return answers.computeIfAbsent(patient, p -> {
				List<String> person = patientRecords.samePerson(p);
				boolean partner = person.stream().anyMatch(record -> referralsOf(record).stream().anyMatch(r -> caller.actsFor(r.getRequester().getReference())
						|| r.getPerformer().stream().anyMatch(x -> caller.actsFor(x.getReference()))));
				return partner && allianceAllowsSharing(caller, person);
			});
		}

		private List<ServiceRequest> referralsOf(String patient) {
			SearchParameterMap search = SearchParameterMap.newSynchronous(ServiceRequest.SP_SUBJECT, new ReferenceParam(patient));
			return daoRegistry.getResourceDao(ServiceRequest.class).search(search, new SystemRequestDetails()).getAllResources().stream()
					.map(ServiceRequest.class::cast).toList();
		}

		private boolean allianceAllowsSharing(Caller caller, List<String> person) {
			var today = ClockConfig.today(clock);
			return roll.membershipsOf(caller.organization()).stream()
					.filter(m -> Memberships.inForceOn(m, today))
					.map(m -> roll.organization(m.getNetworkFirstRep().getReference()))
					.flatMap(Optional::stream)
					.anyMatch((Organization alliance) -> sharing.permits(person, alliance, today));
		}
	}
}
