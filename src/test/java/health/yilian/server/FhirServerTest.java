package health.yilian.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class FhirServerTest extends FhirServerTestSupport {

	@Test
	void capabilityStatementDescribesAnR4ServerOfTheAllianceResourceTypes() {
		CapabilityStatement metadata = fhir.capabilities().ofType(CapabilityStatement.class).execute();

		assertThat(metadata.getFhirVersion().toCode()).isEqualTo("4.0.1");
		List<String> types = metadata.getRestFirstRep().getResource().stream()
				.map(CapabilityStatementRestResourceComponent::getType)
				.toList();
		assertThat(types).contains("Patient", "Organization", "OrganizationAffiliation", "Consent",
				"ServiceRequest", "Task", "DiagnosticReport", "Observation", "AuditEvent");
	}

	@Test
	void patientWithChineseNameAndResidentIdCanBeCreatedReadUpdatedAndDeleted() {
		String residentId = newResidentId();
		Patient patient = patient("王", "秀英", residentId);

		IdType id = (IdType) fhir.create().resource(patient).execute().getId();
		Patient read = fhir.read().resource(Patient.class).withId(id.toUnqualifiedVersionless()).execute();
		assertThat(read.getNameFirstRep().getText()).isEqualTo("王秀英");
		assertThat(read.getIdentifierFirstRep().getValue()).isEqualTo(residentId);

		read.getNameFirstRep().setText("王秀芳").getGiven().get(0).setValue("秀芳");
		MethodOutcome updated = fhir.update().resource(read).execute();
		assertThat(updated.getId().getVersionIdPart()).isEqualTo("2");

		fhir.delete().resourceById(id.toUnqualifiedVersionless()).execute();
		assertThatThrownBy(() -> fhir.read().resource(Patient.class).withId(id.toUnqualifiedVersionless()).execute())
				.isInstanceOf(ResourceGoneException.class);
	}

	@Test
	void patientsAreFoundByChineseName() {
		String residentId = newResidentId();
		fhir.create().resource(patient("欧阳", "娜娜", residentId)).execute();

		Bundle byFamily = fhir.search().forResource(Patient.class)
				.where(Patient.IDENTIFIER.exactly().systemAndCode(RESIDENT_ID, residentId))
				.and(Patient.FAMILY.matches().value("欧阳"))
				.returnBundle(Bundle.class).execute();
		Bundle byName = fhir.search().forResource(Patient.class)
				.where(Patient.IDENTIFIER.exactly().systemAndCode(RESIDENT_ID, residentId))
				.and(Patient.NAME.matches().value("欧阳娜"))
				.returnBundle(Bundle.class).execute();
		Bundle wrongName = fhir.search().forResource(Patient.class)
				.where(Patient.IDENTIFIER.exactly().systemAndCode(RESIDENT_ID, residentId))
				.and(Patient.NAME.matches().value("王"))
				.returnBundle(Bundle.class).execute();

		assertThat(byFamily.getEntry()).hasSize(1);
		assertThat(byName.getEntry()).hasSize(1);
		assertThat(wrongName.getEntry()).isEmpty();
	}

	@Test
	void aHospitalFindsAPatientsReportsByResidentIdThroughAChainedSearch() {
		String residentId = newResidentId();
		IdType patient = (IdType) fhir.create().resource(patient("黄", "磊", residentId)).execute().getId();
		Observation potassium = potassium(3.2);
		potassium.setSubject(new Reference(patient.toUnqualifiedVersionless()));
		fhir.create().resource(potassium).execute();

		Bundle found = fhir.search().forResource(Observation.class)
				.where(Observation.SUBJECT.hasChainedProperty(Patient.IDENTIFIER.exactly().systemAndCode(RESIDENT_ID, residentId)))
				.and(Observation.CODE.exactly().systemAndCode("http://loinc.org", "2823-3"))
				.returnBundle(Bundle.class).execute();

		assertThat(found.getEntry()).hasSize(1);
		assertThat(((Observation) found.getEntryFirstRep().getResource()).getValueQuantity().getValue())
				.isEqualByComparingTo("3.2");
	}

	@Test
	void historyKeepsEveryVersion() {
		Patient patient = patient("李", "建国", newResidentId());
		IdType id = ((IdType) fhir.create().resource(patient).execute().getId()).toUnqualifiedVersionless();
		patient.setId(id);
		patient.setGender(AdministrativeGender.MALE);
		fhir.update().resource(patient).execute();
		patient.addTelecom().setSystem(org.hl7.fhir.r4.model.ContactPoint.ContactPointSystem.PHONE).setValue("13908101234");
		fhir.update().resource(patient).execute();

		Bundle history = fhir.history().onInstance(id).returnBundle(Bundle.class).execute();

		assertThat(history.getEntry()).extracting(e -> e.getResource().getIdElement().getVersionIdPart())
				.containsExactly("3", "2", "1");
	}

	@Test
	void aTransactionThatFailsHalfWayLeavesNothingBehind() {
		String residentId = newResidentId();
		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		transaction.addEntry().setFullUrl("urn:uuid:7d3c1b8e-1f0a-4e55-9c1e-5b2f4a6d8e01")
				.setResource(patient("张", "伟", residentId))
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
		Observation potassium = potassium(4.2);
		potassium.setSubject(new Reference("Patient/no-such-patient-" + unique("p")));
		transaction.addEntry().setResource(potassium).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");

		assertThatThrownBy(() -> fhir.transaction().withBundle(transaction).execute())
				.isInstanceOf(BaseServerResponseException.class)
				.hasMessageContaining("no-such-patient");

		Bundle leftOver = fhir.search().forResource(Patient.class)
				.where(Patient.IDENTIFIER.exactly().systemAndCode(RESIDENT_ID, residentId))
				.returnBundle(Bundle.class).execute();
		assertThat(leftOver.getEntry()).isEmpty();
	}

	@Test
	void conditionalCreateOnAnIdentifierIsIdempotent() {
		String residentId = newResidentId();
		String condition = "Patient?identifier=" + RESIDENT_ID + "|" + residentId;

		MethodOutcome first = fhir.create().resource(patient("赵", "敏", residentId)).conditionalByUrl(condition).execute();
		MethodOutcome second = fhir.create().resource(patient("赵", "敏", residentId)).conditionalByUrl(condition).execute();

		assertThat(first.getCreated()).isTrue();
		assertThat(second.getCreated()).isNotEqualTo(Boolean.TRUE);
		assertThat(second.getId().toUnqualifiedVersionless()).isEqualTo(first.getId().toUnqualifiedVersionless());
	}

	@Test
	void anUnknownElementIsRefusedWithAnOperationOutcomeNamingIt() throws Exception {
		HttpResponse<String> response = send("POST", "/fhir/Patient",
				"{\"resourceType\":\"Patient\",\"name\":[{\"text\":\"孙丽\"}],\"nationalityCode\":\"CN\"}");

		assertThat(response.statusCode()).isEqualTo(400);
		OperationOutcome outcome = fhirContext().newJsonParser().parseResource(OperationOutcome.class, response.body());
		assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("Unknown element 'nationalityCode'");
	}

	@Test
	void askingForTurtleAnswers406WithAnOperationOutcomeNamingTheFormatsOffered() throws Exception {
		for (HttpResponse<String> response : List.of(
				send("GET", "/fhir/Patient?_format=ttl", null),
				send("GET", "/fhir/metadata", null, "Accept", "text/turtle"),
				send("GET", "/fhir/Patient", null, "Accept", "text/turtle, application/fhir+json;q=0.5"))) {
			assertThat(response.statusCode()).isEqualTo(406);
			OperationOutcome outcome = fhirContext().newJsonParser().parseResource(OperationOutcome.class, response.body());
			assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("Turtle").contains("application/fhir+json");
		}
		assertThat(send("GET", "/fhir/metadata", null, "Accept", "text/turtle;q=0.1, application/fhir+json").statusCode()).isEqualTo(200);

		HttpResponse<String> sent = send("POST", "/fhir/Patient", "[ a fhir:Patient ] .", "Content-Type", "text/turtle");
		assertThat(sent.statusCode()).isEqualTo(415);
		assertThat(fhirContext().newJsonParser().parseResource(OperationOutcome.class, sent.body()).getIssueFirstRep().getDiagnostics())
				.contains("application/fhir+json");
	}

	@Test
	void aSmallAnswerCarriesItsLengthAndALargeOneArrivesWholeInJsonAndXml() throws Exception {
		IdType id = (IdType) fhir.create().resource(patient("郑", "雨桐", newResidentId())).execute().getId();

		HttpResponse<String> read = send("GET", "/fhir/Patient/" + id.getIdPart(), null);
		assertThat(read.headers().firstValue("Content-Length")).hasValue(
				String.valueOf(read.body().getBytes(StandardCharsets.UTF_8).length));

		// The CapabilityStatement is over a megabyte: far beyond the container's buffer, so it is sent in parts.
		HttpResponse<String> json = send("GET", "/fhir/metadata?_format=json", null);
		HttpResponse<String> xml = send("GET", "/fhir/metadata?_format=xml", null);
		CapabilityStatement fromJson = fhirContext().newJsonParser().parseResource(CapabilityStatement.class, json.body());
		CapabilityStatement fromXml = fhirContext().newXmlParser().parseResource(CapabilityStatement.class, xml.body());
		assertThat(json.body().length()).isGreaterThan(1_000_000);
		assertThat(fromJson.getRestFirstRep().getResource()).hasSameSizeAs(fromXml.getRestFirstRep().getResource());
	}

	@Test
	void aMalformedValueIsRefusedWithAnOperationOutcomeNamingTheElement() throws Exception {
		HttpResponse<String> response = send("POST", "/fhir/Patient",
				"{\"resourceType\":\"Patient\",\"name\":[{\"text\":\"孙丽\"}],\"birthDate\":\"1990-13-45\"}");

		assertThat(response.statusCode()).isEqualTo(400);
		OperationOutcome outcome = fhirContext().newJsonParser().parseResource(OperationOutcome.class, response.body());
		assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("birthDate").contains("1990-13-45");
	}

	@Test
	void anUpdateWithAStaleIfMatchAnswers412() {
		Patient patient = patient("周", "杰", newResidentId());
		IdType id = ((IdType) fhir.create().resource(patient).execute().getId()).toUnqualifiedVersionless();
		patient.setId(id);
		patient.setGender(AdministrativeGender.MALE);
		fhir.update().resource(patient).withAdditionalHeader("If-Match", "W/\"1\"").execute();

		patient.setGender(AdministrativeGender.OTHER);
		assertThatThrownBy(() -> fhir.update().resource(patient).withAdditionalHeader("If-Match", "W/\"1\"").execute())
				.isInstanceOf(PreconditionFailedException.class)
				.hasMessageContaining("not the current version");
		assertThat(fhir.read().resource(Patient.class).withId(id).execute().getGender())
				.isEqualTo(AdministrativeGender.MALE);
	}

	@Test
	void theDemoAllianceIsLoadedOnStart() {
		Bundle lead = fhir.search().forResource(Organization.class)
				.where(Organization.IDENTIFIER.exactly().systemAndCode(SID + "uscc", "12510600452070001B"))
				.returnBundle(Bundle.class).execute();

		assertThat(lead.getEntry()).hasSize(1);
		assertThat(((Organization) lead.getEntryFirstRep().getResource()).getName()).isEqualTo("德阳市人民医院");
	}

	@Test
	void healthChecksTheDatabaseAndMetricsAreExportedForPrometheus() throws Exception {
		HttpResponse<String> health = send("GET", "/actuator/health", null);
		HttpResponse<String> metrics = send("GET", "/actuator/prometheus", null);

		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(health.body()).contains("\"status\":\"UP\"").contains("\"db\"");
		assertThat(metrics.statusCode()).isEqualTo(200);
		assertThat(metrics.body()).contains("http_server_requests_seconds");
	}

	/** Health details (the database, the disk) and metrics are the operator's; anyone may ask whether the server is up. */
	@Test
	void healthDetailsAndMetricsAreTheOperatorsOnly() throws Exception {
		HttpResponse<String> anonymous = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
				java.net.URI.create("http://localhost:" + port + "/actuator/health")).GET().build(), HttpResponse.BodyHandlers.ofString());
		assertThat(anonymous.statusCode()).isEqualTo(200);
		assertThat(anonymous.body()).contains("\"status\":\"UP\"").doesNotContain("\"db\"").doesNotContain("diskSpace");
		String hospital = "Bearer " + token("deyang-his", "deyang-his-demo-secret");
		assertThat(send("GET", "/actuator/health", null, "Authorization", hospital).body()).doesNotContain("\"db\"");
		assertThat(send("GET", "/actuator/prometheus", null, "Authorization", hospital).statusCode()).isEqualTo(403);
		assertThat(java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
				java.net.URI.create("http://localhost:" + port + "/actuator/prometheus")).GET().build(), HttpResponse.BodyHandlers.ofString())
				.statusCode()).isEqualTo(401);
	}

	static Patient patient(String family, String given, String residentId) {
		Patient patient = new Patient();
		patient.addIdentifier().setSystem(RESIDENT_ID).setValue(residentId);
		patient.addName().setFamily(family).addGiven(given).setText(family + given);
		patient.setGender(AdministrativeGender.FEMALE);
		patient.setBirthDateElement(new DateType("1985-06-12"));
		patient.addAddress().setText("四川省德阳市旌阳区长江东路18号").setCity("德阳市").setState("四川省");
		return patient;
	}

	/** A LIS's serum potassium result (the guide's example, a lab result as the lab profile wants it), of another value. */
	static Observation potassium(double mmolPerLitre) {
		Observation observation = example("Observation-potassium-wang-xiuying", Observation.class);
		observation.setValue(new Quantity().setValue(mmolPerLitre).setUnit("mmol/L")
				.setSystem("http://unitsofmeasure.org").setCode("mmol/L"));
		return observation;
	}

	@Test
	void aRawBarInASearchIsAcceptedAndAnOverlongUrlIsRefusedWithAnOperationOutcome() throws Exception {
		// As curl sends it: the bar raw (Java's own clients would encode it).
		try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
			socket.getOutputStream().write(("GET /fhir/Patient?identifier=" + RESIDENT_ID + "|510603198506124528 HTTP/1.1\r\nHost: localhost\r\n"
					+ "Authorization: Bearer " + token(OPERATOR, OPERATOR_SECRET) + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
			String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
			assertThat(answer).startsWith("HTTP/1.1 200").contains("\"searchset\"");
		}

		java.net.http.HttpResponse<String> overlong = send("GET", "/fhir/Patient?name=" + "王".repeat(4000), null);
		assertThat(overlong.statusCode()).isBetween(400, 499);
		assertThat(overlong.headers().firstValue("Content-Type").orElse("")).contains("json");
		assertThat(overlong.body()).contains("OperationOutcome").contains("_search");
	}
}
