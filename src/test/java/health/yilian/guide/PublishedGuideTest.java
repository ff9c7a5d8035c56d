package health.yilian.guide;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import health.yilian.security.PacsKeys;
import health.yilian.server.FhirServerTestSupport;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.ImplementationGuide;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The guide as the server publishes it: the package for download without a token, the ImplementationGuide and the
 * profiles with snapshots for every client, the CapabilityStatement naming the guide, and each whole-transaction
 * feed of the package accepted as sent and, sent again, changing nothing.
 */
class PublishedGuideTest extends FhirServerTestSupport {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@Test
	void thePackageIsDownloadedWithoutATokenAndIsTheOneTheServerEnforces() throws Exception {
		HttpResponse<byte[]> download = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + GuidePackageDownload.PATH)).build(),
				HttpResponse.BodyHandlers.ofByteArray());
		assertThat(download.statusCode()).isEqualTo(200);
		assertThat(download.headers().firstValue("Content-Type")).hasValue("application/gzip");
		try (InputStream built = getClass().getClassLoader().getResourceAsStream(GuidePackage.CLASSPATH)) {
			assertThat(download.body()).isEqualTo(built.readAllBytes());
		}
		String version = fhir.read().resource(ImplementationGuide.class).withId(GuidePackage.ID).execute().getVersion();
		assertThat(HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/ig/" + GuidePackage.ID + "-" + version + ".tgz")).build(),
				HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
		assertThat(HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/ig/" + GuidePackage.ID + "-0.0.1.tgz")).build(),
				HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(404);

		CapabilityStatement capability = fhir.capabilities().ofType(CapabilityStatement.class).execute();
		assertThat(capability.getImplementationGuide()).extracting(c -> c.getValue())
				.contains(YilianGuide.CANONICAL + "/ImplementationGuide/" + GuidePackage.ID + "|" + version);
	}

	@Test
	void aHospitalReadsTheGuideAndEveryProfileWithItsSnapshot() throws Exception {
		IGenericClient lis = clientFor("deyang-lis", "deyang-lis-demo-secret");
		ImplementationGuide guide = lis.read().resource(ImplementationGuide.class).withId(GuidePackage.ID).execute();
		assertThat(guide.getPackageId()).isEqualTo(GuidePackage.ID);
		Bundle profiles = lis.search().byUrl("StructureDefinition?url:below=" + YilianGuide.CANONICAL + "&_count=100")
				.returnBundle(Bundle.class).execute();
		assertThat(profiles.getEntry()).hasSizeGreaterThan(25);
		for (Bundle.BundleEntryComponent entry : profiles.getEntry()) {
			StructureDefinition definition = (StructureDefinition) entry.getResource();
			assertThat(definition.getSnapshot().getElement()).as(definition.getUrl()).isNotEmpty();
		}
	}

	/** A LIS, a PACS and a HIS send the package's feed as it is; a resend (a retry after a timeout) creates nothing more. */
	@ParameterizedTest
	@CsvSource({"Bundle-feed-lis-lab-push, deyang-lis", "Bundle-feed-pacs-imaging-report, deyang-pacs", "Bundle-feed-his-referral, chengbei-his"})
	void eachFeedIsAcceptedAsSentAndIsIdempotentWhenResent(String feed, String client) throws Exception {
		String bundle = fhirContext().newJsonParser().encodeResourceToString(feed(feed));
		String bearer = "Bearer " + bearer(client);
		HttpResponse<String> first = send("POST", "/fhir", bundle, "Authorization", bearer);
		assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
		HttpResponse<String> again = send("POST", "/fhir", bundle, "Authorization", bearer);
		assertThat(again.statusCode()).as(again.body()).isEqualTo(200);

		List<String> stored = locations(first.body());
		List<String> resent = locations(again.body());
		assertThat(resent).isEqualTo(stored); // the same resources at the same versions: nothing added, nothing changed
		for (String location : stored) {
			String type = location.substring(0, location.indexOf('/'));
			String id = location.split("/")[1];
			assertThat(fhir.history().onInstance(type + "/" + id).returnBundle(Bundle.class).execute().getEntry()).as(location).hasSize(1);
		}
		Bundle sent = feed(feed);
		for (Bundle.BundleEntryComponent entry : sent.getEntry()) {
			String url = entry.getRequest().hasIfNoneExist() ? entry.getRequest().getUrl() + "?" + entry.getRequest().getIfNoneExist()
					: entry.getRequest().getUrl();
			assertThat(fhir.search().byUrl(url).returnBundle(Bundle.class).execute().getEntry()).as(url).hasSize(1);
		}
	}

	private String bearer(String client) throws Exception {
		if (!PacsKeys.CLIENT_ID.equals(client)) {
			return token(client, client + "-demo-secret");
		}
		String endpoint = "http://localhost:" + port + "/oauth2/token";
		HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(endpoint))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"
						+ "&client_assertion_type=" + URLEncoder.encode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", StandardCharsets.UTF_8)
						+ "&client_assertion=" + PacsKeys.clientAssertion(endpoint, "http://localhost:" + port)))
				.build(), HttpResponse.BodyHandlers.ofString());
		return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body()).get("access_token").asText();
	}

	private static List<String> locations(String response) {
		Bundle answer = (Bundle) fhirContext().newJsonParser().parseResource(response);
		return answer.getEntry().stream().map(e -> e.getResponse().getLocation()).toList();
	}

	private static Bundle feed(String name) throws Exception {
		try (InputStream in = PublishedGuideTest.class.getClassLoader().getResourceAsStream(GuidePackage.CLASSPATH)) {
			List<Resource> examples = GuidePackage.resources(in, "package/example/");
			return (Bundle) examples.stream().filter(r -> (r.fhirType() + "-" + r.getIdElement().getIdPart()).equals(name)).findFirst().orElseThrow();
		}
	}
}
