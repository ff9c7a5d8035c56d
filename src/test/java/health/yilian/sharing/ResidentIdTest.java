package health.yilian.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import health.yilian.server.FhirServerTestSupport;
import java.net.http.HttpResponse;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A resident ID that could not be on a card (GB 11643: check character, date of birth) is refused, naming what is wrong. */
class ResidentIdTest extends FhirServerTestSupport {

	@ParameterizedTest(name = "{0}: {1}")
	@CsvSource({
		"510603198506124527, the check character is 7 but the first 17 digits give 8",
		"510603198513124528, not a date of birth",
		"51060319850612452X, the check character is X",
	})
	void anImpossibleResidentIdIsRefused(String residentId, String why) throws Exception {
		Patient patient = example("Patient-wang-xiuying", Patient.class);
		patient.getIdentifier().clear();
		patient.addIdentifier(new Identifier().setSystem(RESIDENT_ID).setValue(residentId));

		HttpResponse<String> response = send("POST", "/fhir/Patient", fhirContext().newJsonParser().encodeResourceToString(patient));

		assertThat(response.statusCode()).isEqualTo(422);
		assertThat(response.body()).contains("yl-resident-id").contains(why).contains("Patient.identifier");
	}
}
