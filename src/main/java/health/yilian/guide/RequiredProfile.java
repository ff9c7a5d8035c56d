package health.yilian.guide;

import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.OrganizationAffiliation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;

/**
 * The profile the guide requires of a resource, whatever it claims: each profiled type has one, and where the guide
 * profiles a type twice the resource's own codes say which (an Organization typed as an alliance, an imaging
 * report's category, a Task's code, a Consent's category). Types the guide does not profile need none.
 */
public final class RequiredProfile {

	static final String SD = YilianGuide.CANONICAL + "/StructureDefinition/";
	private static final String ORGANIZATION_KIND = YilianGuide.CANONICAL + "/CodeSystem/yilian-organization-kind";
	private static final String CONSENT_KIND = YilianGuide.CANONICAL + "/CodeSystem/yilian-consent-kind";
	private static final String DIAGNOSTIC_SECTIONS = "http://terminology.hl7.org/CodeSystem/v2-0074";
	private static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";

	private RequiredProfile() {}

	public static Optional<String> of(IBaseResource resource) {
		return Optional.ofNullable(profileId(resource)).map(id -> SD + id);
	}

	private static String profileId(IBaseResource resource) {
		if (resource instanceof Organization o) {
			return o.getType().stream().anyMatch(t -> has(t, ORGANIZATION_KIND, "alliance"))
					? "yilian-alliance" : "yilian-organization";
		} else if (resource instanceof OrganizationAffiliation) {
			return "yilian-membership";
		} else if (resource instanceof Consent c) {
			return c.getCategory().stream().anyMatch(t -> has(t, CONSENT_KIND, "brand-authorization"))
					? "yilian-brand-authorization" : "yilian-sharing-consent";
		} else if (resource instanceof Patient) {
			return "yilian-patient";
		} else if (resource instanceof ServiceRequest) {
			return "yilian-referral";
		} else if (resource instanceof Task t) {
			return TaskKind.RECOGNITION_DECISION.of(t) ? "yilian-recognition-decision"
					: TaskKind.CANCELLATION_REQUEST.of(t) ? "yilian-referral-cancellation" : "yilian-referral-task";
		} else if (resource instanceof DiagnosticReport r) {
			return r.getCategory().stream().anyMatch(RequiredProfile::isImagingSection)
					? "yilian-imaging-report" : "yilian-lab-report";
		} else if (resource instanceof Observation o) {
			// A result that says nothing of its kind is held to the lab profile: what a LIS pushes must not escape it by
			// leaving the category out. One that says it is of another kind (vital signs, an exam) is not a lab result.
			return o.getCategory().isEmpty() || o.getCategory().stream().anyMatch(t -> has(t, OBSERVATION_CATEGORY, "laboratory"))
					? "yilian-lab-result" : null;
		}
		return null;
	}

	private static boolean isImagingSection(CodeableConcept category) {
		return category.getCoding().stream().anyMatch(c -> DIAGNOSTIC_SECTIONS.equals(c.getSystem())
				&& IMAGING_SECTIONS.contains(c.getCode()));
	}

	private static final Set<String> IMAGING_SECTIONS = Set.of("RAD", "RX", "CT", "NMR", "NMS", "VUS", "CUS", "OUS", "RUS");

	private static boolean has(CodeableConcept concept, String system, String code) {
		return concept.getCoding().stream().anyMatch(c -> system.equals(c.getSystem()) && code.equals(c.getCode()));
	}
}
