package health.yilian.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A transaction is all or nothing whatever refuses one of its entries: the LIS of 德阳市人民医院 sends its patient's
 * new phone number with one entry that must be refused, first or last, and the whole transaction is refused with that
 * entry's status while the database keeps the patient, the report and its result exactly as they were.
 */
class AllOrNothingTransactionTest extends FhirServerTestSupport {

	private static final String DEYANG_MRN = SID + "mrn/12510600452070001B";

	private String patient;
	private String report;
	private String result;
	private String reportIdentifier;

	@BeforeEach
	void theLabHasAPatientWithAReport() {
		Patient record = example("Patient-wang-xiuying", Patient.class);
		record.getNameFirstRep().setText("周德明").setFamily("周").setGiven(List.of(new org.hl7.fhir.r4.model.StringType("德明")));
		record.getIdentifier().clear();
		record.addIdentifier(new Identifier().setSystem(RESIDENT_ID).setValue(newResidentId()));
		record.addIdentifier(new Identifier().setSystem(DEYANG_MRN).setValue(unique("DY")));
		patient = fhir.create().resource(record).execute().getId().toUnqualifiedVersionless().getValue();
		Observation potassium = example("Observation-potassium-wang-xiuying", Observation.class);
		potassium.setSubject(new Reference(patient));
		result = fhir.create().resource(potassium).execute().getId().toUnqualifiedVersionless().getValue();
		DiagnosticReport lab = example("DiagnosticReport-lab-report-wang-xiuying", DiagnosticReport.class);
		lab.getIdentifierFirstRep().setValue(unique("DY-LIS-"));
		reportIdentifier = lab.getIdentifierFirstRep().getSystem() + "|" + lab.getIdentifierFirstRep().getValue();
		lab.setSubject(new Reference(patient));
		lab.setResult(List.of(new Reference(result)));
		report = fhir.create().resource(lab).execute().getId().toUnqualifiedVersionless().getValue();
		// The fixture is in place when the report is found by its result (the link a delete of the result conflicts with).
		for (int i = 0; i < 50 && fhir.search().byUrl("DiagnosticReport?result=" + result).returnBundle(Bundle.class).execute().getEntry().isEmpty(); i++) {
			try {
				Thread.sleep(100);
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@ParameterizedTest(name = "{0} as the {1} entry → {2}")
	@CsvSource({
		"performer moved to another hospital (403),  first, 403",
		"performer moved to another hospital (403),  last,  403",
		"no scope for the type (403),                 first, 403",
		"no scope for the type (403),                 last,  403",
		"profile broken (422),                        first, 422",
		"profile broken (422),                        last,  422",
		"stale If-Match (412),                        first, 412",
		"stale If-Match (412),                        last,  412",
		"delete of a referenced result (409),         first, 409",
		"delete of a referenced result (409),         last,  409",
		"PUT without an id (400),                     first, 400",
		"PUT without an id (400),                     last,  400",
	})
	void oneRefusedEntryRefusesTheWholeTransaction(String refusal, String where, int status) throws Exception {
		Patient changed = fhir.read().resource(Patient.class).withId(patient).execute();
		changed.addTelecom(new ContactPoint().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("13900001111"));
		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		Bundle.BundleEntryComponent good = new Bundle.BundleEntryComponent().setResource(changed.setMeta(null));
		good.getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(patient);
		Bundle.BundleEntryComponent bad = badEntry(refusal);
		if (where.equals("first")) {
			transaction.addEntry(bad).addEntry(good);
		} else {
			transaction.addEntry(good).addEntry(bad);
		}

		HttpResponse<String> response = send("POST", "/fhir", fhirContext().newJsonParser().encodeResourceToString(transaction),
				"Authorization", "Bearer " + token("deyang-lis", "deyang-lis-demo-secret"));

		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.body()).contains("OperationOutcome").doesNotContain("\"type\":\"transaction-response\"");
		assertThat(version(patient)).isEqualTo("1");
		assertThat(version(report)).isEqualTo("1");
		assertThat(version(result)).isEqualTo("1");
		assertThat(fhir.read().resource(DiagnosticReport.class).withId(report).execute().getPerformerFirstRep().getReference())
				.isEqualTo("Organization/deyang-peoples-hospital-lab");
	}

	private Bundle.BundleEntryComponent badEntry(String refusal) {
		Bundle.BundleEntryComponent entry = new Bundle.BundleEntryComponent();
		if (refusal.startsWith("performer")) {
			DiagnosticReport moved = fhir.read().resource(DiagnosticReport.class).withId(report).execute();
			moved.setPerformer(List.of(new Reference("Organization/deyang-second-peoples-hospital")));
			entry.setResource(moved.setMeta(null).setId((String) null)).getRequest().setMethod(Bundle.HTTPVerb.PUT)
					.setUrl("DiagnosticReport?identifier=" + reportIdentifier);
		} else if (refusal.startsWith("no scope")) {
			ServiceRequest referral = example("ServiceRequest-referral-up-wang-xiuying", ServiceRequest.class);
			entry.setResource(referral).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("ServiceRequest");
		} else if (refusal.startsWith("profile")) {
			Observation noCode = example("Observation-sodium-wang-xiuying", Observation.class);
			noCode.setSubject(new Reference(patient)).setCode(null);
			entry.setResource(noCode).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
		} else if (refusal.startsWith("stale")) {
			Observation stale = fhir.read().resource(Observation.class).withId(result).execute();
			stale.setValue(new org.hl7.fhir.r4.model.Quantity(4.9).setUnit("mmol/L").setSystem("http://unitsofmeasure.org").setCode("mmol/L"));
			entry.setResource(stale.setMeta(null)).getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(result).setIfMatch("W/\"7\"");
		} else if (refusal.startsWith("delete")) {
			entry.getRequest().setMethod(Bundle.HTTPVerb.DELETE).setUrl(result);
		} else {
			Observation noId = example("Observation-chloride-wang-xiuying", Observation.class);
			entry.setResource(noId.setSubject(new Reference(patient))).getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl("Observation");
		}
		return entry;
	}

	private String version(String reference) {
		Class<? extends Resource> type = switch (new IdType(reference).getResourceType()) {
			case "Patient" -> Patient.class;
			case "Observation" -> Observation.class;
			default -> DiagnosticReport.class;
		};
		return fhir.read().resource(type).withId(reference).execute().getMeta().getVersionId();
	}
}
