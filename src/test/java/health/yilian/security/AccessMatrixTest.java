package health.yilian.security;

import static org.assertj.core.api.Assertions.assertThat;

import health.yilian.server.FhirServerTestSupport;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.OrganizationAffiliation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Who may do what, over HTTP with real tokens, against the demo alliance: the LIS of 德阳市人民医院 (A), the HIS of
 * 德阳市第二人民医院 (B), the HIS of 城北社区卫生服务中心 (C, which has referred 王秀英 to A and so reads A's feedback of that referral, not A's own records), the health commission's
 * auditor, and a client the server does not know. Each call leaves an audit event naming the client and its outcome.
 */
class AccessMatrixTest extends FhirServerTestSupport {

	private static final HttpClient HTTP = HttpClient.newHttpClient();
	private static final String WANG = "510603198506124528";

	@ParameterizedTest(name = "{0} {1} → {2}")
	@CsvSource({
		// client,           interaction,          expected status
		"deyang-lis,         read-report,          200",
		"second-his,         read-report,          404",
		"chengbei-his,       read-report,          404",
		"commission-auditor, read-report,          200",
		"unknown,            read-report,          401",
		"deyang-lis,         create-report,        201",
		"second-his,         create-report,        403",
		"chengbei-his,       create-report,        403",
		"commission-auditor, create-report,        403",
		"unknown,            create-report,        401",
		"deyang-lis,         create-membership,    403",
		"second-his,         create-membership,    403",
		"chengbei-his,       create-membership,    403",
		"commission-auditor, create-membership,    403",
		"unknown,            create-membership,    401",
		"deyang-lis,         recognizable,         200",
		"second-his,         recognizable,         200",
		"chengbei-his,       recognizable,         200",
		"commission-auditor, recognizable,         200",
		"unknown,            recognizable,         401",
		"deyang-lis,         recognizable-as-other, 403",
		"second-his,         recognizable-as-other, 403",
		"commission-auditor, recognizable-as-other, 200",
		"deyang-lis,         audit-trail,          403",
		"second-his,         audit-trail,          403",
		"chengbei-his,       audit-trail,          403",
		"commission-auditor, audit-trail,          200",
		"unknown,            audit-trail,          401",
	})
	void eachClientGetsWhatItsOrganisationAndScopesAllowAndEveryCallIsAudited(String client, String interaction, int expected)
			throws Exception {
		String bearer = client.equals("unknown") ? "eyJhbGciOiJSUzM4NCJ9.eyJzdWIiOiJ1bmtub3duIn0.bm90LWEtc2lnbmF0dXJl"
				: token(client, client.equals("commission-auditor") ? "auditor-demo-secret" : client + "-demo-secret");

		Instant sent = Instant.now();
		HttpResponse<String> response = HTTP.send(request(interaction, client).header("Authorization", "Bearer " + bearer).build(),
				HttpResponse.BodyHandlers.ofString());

		assertThat(response.statusCode()).as(response.body()).isEqualTo(expected);
		String audited = client.equals("unknown") ? "anonymous" : client;
		AuditEvent.AuditEventOutcome outcome = expected < 400 ? AuditEvent.AuditEventOutcome._0 : AuditEvent.AuditEventOutcome._4;
		assertThat(eventsSince(sent)).as("an audit event of %s's %s", client, interaction).anySatisfy(event -> {
			assertThat(event.getAgent()).extracting(a -> a.getWho().getIdentifier().getValue()).contains(audited);
			assertThat(event.getOutcome()).isEqualTo(outcome);
		});
	}

	private HttpRequest.Builder request(String interaction, String client) {
		String base = "http://localhost:" + port + "/fhir/";
		return switch (interaction) {
			case "read-report" -> HttpRequest.newBuilder(URI.create(base + "DiagnosticReport/lab-report-wang-xiuying")).GET();
			case "create-report" -> post(base + "DiagnosticReport", report());
			case "create-membership" -> post(base + "OrganizationAffiliation", membership());
			case "recognizable" -> HttpRequest.newBuilder(URI.create(base + "Patient/$recognizable?identifier="
					+ URLEncoder.encode(RESIDENT_ID + "|" + WANG, StandardCharsets.UTF_8) + (client.equals("commission-auditor")
					? "&requester=Organization/chengbei-community-health-centre" : ""))).GET();
			case "recognizable-as-other" -> HttpRequest.newBuilder(URI.create(base + "Patient/$recognizable?identifier="
					+ URLEncoder.encode(RESIDENT_ID + "|" + WANG, StandardCharsets.UTF_8) + "&requester=Organization/chengbei-community-health-centre")).GET();
			case "audit-trail" -> HttpRequest.newBuilder(URI.create(base + "AuditEvent?_count=1")).GET();
			default -> throw new IllegalArgumentException(interaction);
		};
	}

	private static HttpRequest.Builder post(String url, String body) {
		return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/fhir+json; charset=UTF-8")
				.POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
	}

	private static String report() {
		DiagnosticReport report = example("DiagnosticReport-lab-report-wang-xiuying", DiagnosticReport.class);
		report.getIdentifierFirstRep().setValue(unique("DY-LIS-"));
		return fhirContext().newJsonParser().encodeResourceToString(report);
	}

	private static String membership() {
		OrganizationAffiliation membership = example("OrganizationAffiliation-membership-chengbei-community-health-centre", OrganizationAffiliation.class);
		membership.getIdentifierFirstRep().setValue(unique("M-"));
		return fhirContext().newJsonParser().encodeResourceToString(membership);
	}

	/**
	 * The audit events stored since the call was sent, read as the operator. Not "the newest ten": the outbox stores
	 * many events in one transaction, all with the same last-updated time, so the newest ten need not hold this call's.
	 */
	private List<AuditEvent> eventsSince(Instant sent) {
		return fhir.search().byUrl("AuditEvent?_lastUpdated=ge" + DateTimeFormatter.ISO_INSTANT.format(sent.truncatedTo(ChronoUnit.MILLIS)) + "&_count=100")
				.returnBundle(Bundle.class).execute().getEntry().stream()
				.map(e -> (AuditEvent) e.getResource()).toList();
	}
}
