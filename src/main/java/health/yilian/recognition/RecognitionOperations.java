package health.yilian.recognition;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceOrListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import health.yilian.membership.MemberRoll;
import health.yilian.security.AccessPolicy;
import health.yilian.security.Caller;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import health.yilian.server.ClockConfig;
import health.yilian.server.YilianOperationProvider;
import health.yilian.sharing.PatientRecords;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.springframework.stereotype.Component;

/**
 * What a receiving doctor's HIS asks before ordering a test, and what integration engineers and auditors ask to
 * learn why a report is or is not shared:
 * <ul>
 *   <li>{@code GET /fhir/Patient/$recognizable?identifier={system}|{value}[&requester=Organization/{id}][&code=][&date=]}
 *       and {@code Patient/{id}/$recognizable}: every recognisable report of the person, from every member, with
 *       its Observations, as a searchset Bundle;</li>
 *   <li>{@code GET /fhir/DiagnosticReport/{id}/$recognition[?requester=Organization/{id}][&date=]}: eligible or not,
 *       and every failing condition as a coded reason.</li>
 * </ul>
 * A person is found by any identifier of any of their Patient records (usually the resident ID); a Patient id
 * stands for every record sharing its resident ID.
 */
@Component
public class RecognitionOperations implements YilianOperationProvider {

	static final String REASONS = "https://yilian.health/fhir/CodeSystem/yilian-recognition-reason";

	private final DaoRegistry daoRegistry;
	private final RecognitionEligibility eligibility;
	private final PatientRecords patientRecords;
	private final MemberRoll roll;
	private final Clock clock;
	private final AccessPolicy access;

	private final io.micrometer.core.instrument.MeterRegistry meters;

	public RecognitionOperations(DaoRegistry daoRegistry, RecognitionEligibility eligibility, PatientRecords patientRecords,
			MemberRoll roll, Clock clock, AccessPolicy access, io.micrometer.core.instrument.MeterRegistry meters) {
		this.meters = meters;
		this.access = access;
		this.daoRegistry = daoRegistry;
		this.roll = roll;
		this.eligibility = eligibility;
		this.patientRecords = patientRecords;
		this.clock = clock;
	}

	@Operation(name = "$recognizable", typeName = "Patient", idempotent = true)
	public Bundle recognizable(
			@IdParam(optional = true) IdType patient,
			@OperationParam(name = "identifier") StringType identifier,
			@OperationParam(name = "requester") StringType requester,
			@OperationParam(name = "code") StringType code,
			@OperationParam(name = "date") DateTimeType date,
			RequestDetails request) {
		List<String> person = person(patient, identifier);
		RecognitionEligibility.Evaluation evaluation = eligibility.at(instant(request, date), Optional.of(requester(request, requester)))
				.samePerson(person);
		Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
		if (person.isEmpty()) {
			return bundle.setTotal(0);
		}
		List<DiagnosticReport> recognisable = new ArrayList<>();
		for (DiagnosticReport report : finalReports(person, code)) {
			RecognitionEligibility.Verdict verdict = evaluation.of(report);
			answered("$recognizable", verdict);
			if (verdict.eligible()) {
				HrMarkOnRead.mark(report, verdict);
				recognisable.add(report);
			}
		}
		String base = request.getFhirServerBase();
		recognisable.forEach(r -> add(bundle, base, r, Bundle.SearchEntryMode.MATCH));
		results(recognisable).forEach(o -> add(bundle, base, o, Bundle.SearchEntryMode.INCLUDE));
		return bundle.setTotal(recognisable.size());
	}

	/**
	 * Recognition answers for the operator ({@code yilian_recognition_answers_total}): per report evaluated, recognisable
	 * or the first reason it is not ({@code qc-failed}, {@code expired}, …), the national KPI's raw material.
	 */
	private void answered(String operation, RecognitionEligibility.Verdict verdict) {
		meters.counter("yilian.recognition.answers", "operation", operation,
				"outcome", verdict.eligible() ? "recognisable" : verdict.failures().stream().findFirst().map(f -> f.code()).orElse("not-recognisable")).increment();
	}

	@Operation(name = "$recognition", typeName = "DiagnosticReport", idempotent = true)
	public Parameters recognition(
			@IdParam IdType reportId,
			@OperationParam(name = "requester") StringType requester,
			@OperationParam(name = "date") DateTimeType date,
			RequestDetails request) {
		Instant instant = instant(request, date);
		DiagnosticReport report = daoRegistry.getResourceDao(DiagnosticReport.class).read(reportId, new SystemRequestDetails());
		RecognitionEligibility.Verdict verdict = eligibility.at(instant, Optional.of(requester(request, requester))).of(report);
		answered("$recognition", verdict);
		if (!verdict.eligible() && !access.mayAskWhy(Caller.of(request), report)) {
			// Why another hospital's report is not shared is the auditors', the operator's and its own hospital's to know;
			// to anyone else it answers as a report that does not exist.
			throw new ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException(ca.uhn.fhir.i18n.Msg.code(2001) + "Resource "
					+ reportId.toUnqualifiedVersionless().getValue() + " is not known");
		}
		Parameters answer = new Parameters();
		answer.addParameter().setName("eligible").setValue(new BooleanType(verdict.eligible()));
		if (verdict.eligible()) {
			answer.addParameter().setName("reason").setValue(reason("recognisable", "可互认 / every condition holds"));
		}
		verdict.failures().forEach(f -> answer.addParameter().setName("reason").setValue(reason(f.code(), f.text())));
		verdict.validUntil().ifPresent(v -> answer.addParameter().setName("valid-until").setValue(v));
		verdict.recognition().ifPresent(r -> {
			answer.addParameter().setName("hr-mark").setValue(new StringType(r.hrMark()));
			answer.addParameter().setName("scope").setValue(new Reference(r.alliance().getIdElement().toUnqualifiedVersionless()).setDisplay(r.alliance().getName()));
			answer.addParameter().setName("item").setValue(r.item());
		});
		answer.addParameter().setName("date").setValue(new DateTimeType(java.util.Date.from(instant), TemporalPrecisionEnum.SECOND,
				java.util.TimeZone.getTimeZone(ClockConfig.CHINA)));
		return answer;
	}

	private List<String> person(IdType patient, StringType identifier) {
		if (patient != null && patient.hasIdPart()) {
			// A Patient id that is not stored answers 404, as every instance operation does.
			daoRegistry.getResourceDao(org.hl7.fhir.r4.model.Patient.class).read(patient.toUnqualifiedVersionless(), new SystemRequestDetails());
			return patientRecords.samePerson(patient.toUnqualifiedVersionless().getValue());
		}
		if (identifier == null || identifier.isEmpty()) {
			throw new InvalidRequestException("identifier: required at type level, e.g. identifier="
					+ PatientRecords.RESIDENT_ID + "|510603198506124528 (or call Patient/{id}/$recognizable)");
		}
		String value = identifier.getValue();
		int bar = value.indexOf('|');
		return bar < 0
				? patientRecords.withIdentifier(PatientRecords.RESIDENT_ID, value)
				: patientRecords.withIdentifier(value.substring(0, bar), value.substring(bar + 1));
	}

	/**
	 * The instant asked about. A member system asks about now: at another time a withdrawn consent, an ended
	 * membership or a lapsed validity window would not count, and the answer would hand over what today's rules
	 * withhold (so its {@code date}, if any, must be today, and the answer is about now). Auditors and the operator ask
	 * about any day or instant ("was it recognisable when it was presented?"): a day means its start in China.
	 */
	private Instant instant(RequestDetails request, DateTimeType date) {
		Instant asked = ClockConfig.instantOrNow(date, clock);
		Optional<Caller> caller = Caller.of(request);
		if (caller.isPresent() && AccessPolicy.narrowed(caller.get())) {
			LocalDate today = ClockConfig.today(clock);
			LocalDate day = asked.atZone(ClockConfig.CHINA).toLocalDate();
			if (!day.equals(today)) {
				throw new ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException("yl-recognition-today: " + caller.get().clientId()
						+ " asks about now (" + today + "), not " + day + "; leave date out (another day is for auditors)");
			}
			return clock.instant();
		}
		return asked;
	}

	/**
	 * The requesting member, which must exist (a typo would otherwise read as "not a member"): a member system asks as
	 * itself, its own organisation when it names none; auditors and the operator name any (the access policy's rule).
	 */
	private String requester(RequestDetails request, StringType requester) {
		String asked = access.actingFor(Caller.of(request).orElse(null), requester == null ? null : requester.getValue());
		IdType id = new IdType(asked);
		if (!"Organization".equals(id.getResourceType()) || !id.hasIdPart()) {
			throw new InvalidRequestException("requester: '" + asked + "' is not Organization/{id}");
		}
		String member = id.toUnqualifiedVersionless().getValue();
		if (roll.organization(member).isEmpty()) {
			throw new InvalidRequestException("requester: " + member + " is not known to this server");
		}
		return member;
	}

	/** The person's final, amended and corrected reports, newest first, of one item or code when asked. */
	private List<DiagnosticReport> finalReports(List<String> person, StringType code) {
		SearchParameterMap search = SearchParameterMap.newSynchronous();
		ReferenceOrListParam subjects = new ReferenceOrListParam();
		person.forEach(p -> subjects.addOr(new ReferenceParam(p)));
		search.add(DiagnosticReport.SP_SUBJECT, subjects);
		TokenOrListParam statuses = new TokenOrListParam();
		RecognitionEligibility.FINAL.forEach(s -> statuses.add(new TokenParam(s.toCode())));
		search.add(DiagnosticReport.SP_STATUS, statuses);
		if (code != null && !code.isEmpty()) {
			String token = code.getValue();
			int bar = token.indexOf('|');
			search.add(DiagnosticReport.SP_CODE, bar < 0 ? new TokenParam(token) : new TokenParam(token.substring(0, bar), token.substring(bar + 1)));
		}
		// A person has tens of reports, not thousands: sorting them here spares the database a join on the date index.
		return daoRegistry.getResourceDao(DiagnosticReport.class).search(search, new SystemRequestDetails()).getAllResources().stream()
				.map(DiagnosticReport.class::cast)
				.sorted(Comparator.comparing((DiagnosticReport r) -> r.getEffectiveDateTimeType().getValue(),
						Comparator.nullsLast(Comparator.reverseOrder())))
				.toList();
	}

	private List<Observation> results(List<DiagnosticReport> reports) {
		TokenOrListParam ids = new TokenOrListParam();
		reports.stream().flatMap(r -> r.getResult().stream())
				.filter(ref -> ref.getReference() != null && ref.getReference().startsWith("Observation/"))
				.forEach(ref -> ids.add(new TokenParam(new IdType(ref.getReference()).getIdPart())));
		if (ids.getValuesAsQueryTokens().isEmpty()) {
			return List.of();
		}
		SearchParameterMap search = SearchParameterMap.newSynchronous();
		search.add("_id", ids);
		return daoRegistry.getResourceDao(Observation.class).search(search, new SystemRequestDetails()).getAllResources().stream()
				.map(Observation.class::cast)
				.toList();
	}

	private static void add(Bundle bundle, String base, Resource resource, Bundle.SearchEntryMode mode) {
		bundle.addEntry()
				.setFullUrl(base + "/" + resource.getIdElement().toUnqualifiedVersionless().getValue())
				.setResource(resource)
				.getSearch().setMode(mode);
	}

	private static CodeableConcept reason(String code, String text) {
		return new CodeableConcept(new Coding(REASONS, code, null)).setText(text);
	}
}
