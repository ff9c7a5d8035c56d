package health.yilian.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Strict means "refuses what is not FHIR", not "refuses FHIR our parser mishandles": every example of the FHIR R4
 * specification (npm {@code hl7.fhir.r4.examples} 4.0.1) is sent as the operator would send it. An example of a type
 * the guide does not profile is stored, or refused for a reason the answer names that is not its form: it refers
 * to a record the server does not hold (an example Patient the guide refuses), it is a search result rather than a
 * resource, or it is an audit event (the server's alone). None, of any type, gets a 5xx or a parse error.
 *
 * <p>Left out: the specification's own definitions (StructureDefinition, SearchParameter, ValueSet, …: the package
 * holds the whole core, and the server's definitions are the guide's), and Subscriptions (the server would start
 * delivering to the example's hosts on the internet).
 */
class SpecificationExamplesTest extends FhirServerTestSupport {

	private static final String PACKAGE = "https://registry.npmjs.org/hl7.fhir.r4.examples/-/hl7.fhir.r4.examples-4.0.1.tgz";
	private static final String PACKAGE_SHA1 = "537ea7db3f3c7b3575fe2eaa7808bad21261cca3";
	private static final Set<String> DEFINITIONS = Set.of("StructureDefinition", "SearchParameter", "ValueSet", "CodeSystem",
			"ConceptMap", "OperationDefinition", "CapabilityStatement", "CompartmentDefinition", "ImplementationGuide",
			"NamingSystem", "StructureMap", "GraphDefinition", "MessageDefinition", "TerminologyCapabilities", "Subscription");
	/** What an example of an unprofiled type may be refused for: none is about its form. */
	private static final Map<String, String> NAMED_REASONS = Map.of(
			"HAPI-1094", "it refers to a record the server does not hold",
			"HAPI-0522", "a searchset or history Bundle is an answer, not a resource to store",
			"HAPI-0507", "it refers to another server's record by URL",
			"HAPI-0931", "its reference names a type the element does not allow",
			"yl-audit-append-only", "the audit trail is the server's alone");
	private static final long MAX_BODY = 8L * 1024 * 1024;
	private static final Pattern REASON = Pattern.compile("HAPI-\\d{4}|yl-[a-z-]+");
	private static final HttpClient HTTP = HttpClient.newHttpClient();
	private static final ObjectMapper JSON = new ObjectMapper();

	@org.springframework.beans.factory.annotation.Autowired
	health.yilian.audit.AuditOutbox auditOutbox;

	record Example(Path file, String type, String id) {}

	record Answer(int status, String reason, String body) {}

	@Test
	void everyExampleIsStoredOrRefusedForANamedReasonNeverForItsFormAndNoneGetsA5xx() throws Exception {
		Set<String> profiled = profiledTypes();
		List<Example> examples = examples();
		Map<Example, Answer> answers = new LinkedHashMap<>();
		// In passes, since examples refer to each other in no particular order; a pass that stores nothing ends it.
		List<Example> pending = examples;
		while (!pending.isEmpty()) {
			String token = token(OPERATOR, OPERATOR_SECRET);
			List<Example> referringToAbsent = new ArrayList<>();
			for (Example example : pending) {
				Answer answer = send(example, token);
				answers.put(example, answer);
				if ("HAPI-1094".equals(answer.reason())) {
					referringToAbsent.add(example);
				}
			}
			if (referringToAbsent.size() == pending.size()) {
				break;
			}
			pending = referringToAbsent;
		}

		Map<String, Integer> tally = new TreeMap<>();
		List<String> wrong = new ArrayList<>();
		for (Map.Entry<Example, Answer> entry : answers.entrySet()) {
			Example example = entry.getKey();
			Answer answer = entry.getValue();
			boolean stored = answer.status() == 200 || answer.status() == 201;
			tally.merge(stored ? "stored" : answer.status() + " " + answer.reason(), 1, Integer::sum);
			if (answer.status() >= 500 || answer.reason().startsWith("HAPI-18")) {
				wrong.add(example.file().getFileName() + ": " + answer.status() + " " + answer.body());
			} else if (!stored && !profiled.contains(example.type()) && answer.status() != 413 && !NAMED_REASONS.containsKey(answer.reason())) {
				wrong.add(example.file().getFileName() + " (" + example.type() + ", not profiled): " + answer.status() + " " + answer.body());
			}
		}
		System.out.println("hl7.fhir.r4.examples 4.0.1, " + answers.size() + " examples sent: " + tally);
		auditOutbox.drainNow(); // several hundred refusals' events, stored now rather than under the next test's searches
		assertThat(wrong).as("examples answered 5xx, refused for their form, or (unprofiled) refused for no named reason").isEmpty();
		long storedUnprofiled = answers.entrySet().stream()
				.filter(e -> !profiled.contains(e.getKey().type()) && e.getValue().status() < 300).count();
		assertThat(storedUnprofiled).as("unprofiled examples stored").isGreaterThan(150);
	}

	private Answer send(Example example, String token) throws IOException, InterruptedException {
		long size = Files.size(example.file());
		if (size > MAX_BODY) {
			// Refused by its Content-Length before it is read (RequestLimitsTest): not worth sending 35 MB to see it.
			return new Answer(413, "yilian.limits.max-request-body", size + " bytes");
		}
		// A client assigns an id only if it has a letter in it (HAPI's rule); numeric ones are created by POST.
		boolean put = example.id() != null && !example.id().chars().allMatch(Character::isDigit);
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + "/" + example.type() + (put ? "/" + example.id() : "")))
				.header("Content-Type", "application/fhir+json")
				.header("Authorization", "Bearer " + token);
		HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.ofFile(example.file());
		HttpResponse<String> response = HTTP.send((put ? request.PUT(body) : request.POST(body)).build(), HttpResponse.BodyHandlers.ofString());
		Matcher reason = REASON.matcher(response.body());
		String text = response.body().length() > 400 ? response.body().substring(0, 400) : response.body();
		return new Answer(response.statusCode(), response.statusCode() < 300 || !reason.find() ? "" : reason.group(), text);
	}

	private static List<Example> examples() throws Exception {
		List<Example> examples = new ArrayList<>();
		try (Stream<Path> files = Files.list(examplesPackage())) {
			for (Path file : files.sorted().toList()) {
				String name = file.getFileName().toString();
				if (!name.endsWith(".json") || !Character.isUpperCase(name.charAt(0))) {
					continue; // package.json, the index
				}
				JsonNode resource = JSON.readTree(file.toFile());
				String type = resource.path("resourceType").asText();
				if (!DEFINITIONS.contains(type)) {
					examples.add(new Example(file, type, resource.hasNonNull("id") ? resource.get("id").asText() : null));
				}
			}
		}
		assertThat(examples).as("examples in the package").hasSizeGreaterThan(500);
		return examples;
	}

	/** The types the guide's profiles constrain (Patient, Observation, …): their examples meet the guide, or not. */
	private static Set<String> profiledTypes() throws IOException {
		Set<String> types = new java.util.TreeSet<>();
		try (Stream<Path> files = Files.list(Path.of("profiles"))) {
			for (Path file : files.toList()) {
				JsonNode definition = JSON.readTree(file.toFile());
				if ("StructureDefinition".equals(definition.path("resourceType").asText()) && "resource".equals(definition.path("kind").asText())
						&& "constraint".equals(definition.path("derivation").asText())) {
					types.add(definition.path("type").asText());
				}
			}
		}
		return types;
	}

	/** The package ig/build unpacks (CI runs it first), or else fetched here once from the npm registry. */
	private static Path examplesPackage() throws Exception {
		Path unpackedByGuideBuild = Path.of("ig/.fhir-home/.fhir/packages/hl7.fhir.r4.core#4.0.1/package");
		if (Files.isDirectory(unpackedByGuideBuild)) {
			return unpackedByGuideBuild;
		}
		Path target = Path.of("target/hl7.fhir.r4.examples-4.0.1");
		Path unpacked = target.resolve("package");
		if (!Files.isDirectory(unpacked)) {
			Files.createDirectories(target);
			Path archive = target.resolve("package.tgz");
			try (InputStream in = HTTP.send(HttpRequest.newBuilder(URI.create(PACKAGE)).build(), HttpResponse.BodyHandlers.ofInputStream()).body()) {
				Files.copy(in, archive, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
			}
			String sha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(Files.readAllBytes(archive)));
			assertThat(sha1).as("the package's npm shasum").isEqualTo(PACKAGE_SHA1);
			Process tar = new ProcessBuilder("tar", "xzf", archive.toString(), "-C", target.toString()).inheritIO().start();
			assertThat(tar.waitFor()).isZero();
		}
		return unpacked;
	}
}
