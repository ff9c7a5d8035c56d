package health.yilian.recognition;

import static org.assertj.core.api.Assertions.assertThat;

import health.yilian.server.FhirServerTestSupport;
import java.net.http.HttpResponse;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.InstantType;
import org.junit.jupiter.api.Test;

/** A report dated ahead of the server's clock (beyond a few minutes of skew) is refused, a report of now is taken. */
class ResultTimesTest extends FhirServerTestSupport {

	@Test
	void aReportFromTheFutureIsRefusedAndOneOfNowIsTaken() throws Exception {
		DiagnosticReport ahead = example("DiagnosticReport-lab-report-wang-xiuying", DiagnosticReport.class);
		ahead.getIdentifierFirstRep().setValue(unique("DY-LIS-"));
		ahead.setEffective(new DateTimeType("2026-11-25T08:00:00+08:00"));
		DiagnosticReport now = example("DiagnosticReport-lab-report-wang-xiuying", DiagnosticReport.class);
		now.getIdentifierFirstRep().setValue(unique("DY-LIS-"));
		now.setEffective(new DateTimeType("2026-11-22T09:58:00+08:00"));
		now.setIssuedElement(new InstantType("2026-11-22T10:03:00+08:00"));

		HttpResponse<String> refused = send("POST", "/fhir/DiagnosticReport", fhirContext().newJsonParser().encodeResourceToString(ahead));
		HttpResponse<String> taken = send("POST", "/fhir/DiagnosticReport", fhirContext().newJsonParser().encodeResourceToString(now));

		assertThat(refused.statusCode()).isEqualTo(422);
		assertThat(refused.body()).contains("yl-future-time").contains("DiagnosticReport.effective[x]");
		assertThat(taken.statusCode()).as(taken.body()).isEqualTo(201);
	}
}
