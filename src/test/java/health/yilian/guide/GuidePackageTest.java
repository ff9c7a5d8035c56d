package health.yilian.guide;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.NpmPackageValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.ImplementationGuide;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.utilities.npm.NpmPackage;
import org.junit.jupiter.api.Test;

/**
 * The guide package as an engineer's own tools load it, offline and with nothing of this server: the NPM manifest and
 * indexes HAPI's and the HL7 tools' package loader read, a snapshot on every StructureDefinition, the
 * ImplementationGuide listing every resource, and every example and whole-transaction feed valid against the
 * package loaded into HAPI's {@code NpmPackageValidationSupport}.
 */
class GuidePackageTest {

	private static final FhirContext FHIR = FhirContext.forR4Cached();

	@Test
	void theManifestAndIndexesAreWhatPackageLoadersRead() throws IOException {
		NpmPackage npm;
		try (InputStream in = tgz()) {
			npm = NpmPackage.fromPackage(in);
		}
		assertThat(npm.name()).isEqualTo(GuidePackage.ID);
		assertThat(npm.version()).matches("\\d+\\.\\d+\\.\\d+");
		assertThat(npm.canonical()).isEqualTo(YilianGuide.CANONICAL);
		assertThat(npm.fhirVersion()).isEqualTo("4.0.1");
		assertThat(npm.dependencies()).contains("hl7.fhir.r4.core#4.0.1");
		assertThat(npm.listResources("StructureDefinition")).hasSizeGreaterThan(25);
		assertThat(npm.listResources("ImplementationGuide")).containsExactly("ImplementationGuide-yilian.fhir.alliance.json");
		JsonNode index = new ObjectMapper().readTree(npm.load("package", ".index.json"));
		Set<String> indexed = new java.util.HashSet<>();
		index.get("files").forEach(f -> indexed.add(f.get("filename").asText()));
		assertThat(indexed).containsAll(npm.list("package").stream().filter(f -> f.endsWith(".json") && !f.equals("package.json")).toList());
		assertThat(npm.list("example")).contains("Bundle-feed-lis-lab-push.json", "Bundle-feed-pacs-imaging-report.json", "Bundle-feed-his-referral.json");
		assertThat(npm.list("other")).contains("CHANGELOG.md");
	}

	@Test
	void everyProfileHasItsSnapshotAndTheGuideListsEveryResource() throws IOException {
		List<Resource> conformance = resources("package/");
		List<Resource> examples = resources("package/example/");
		for (Resource resource : conformance) {
			if (resource instanceof StructureDefinition definition) {
				assertThat(definition.getSnapshot().getElement()).as(definition.getUrl()).isNotEmpty();
				assertThat(definition.getSnapshot().getElement().size()).as(definition.getUrl())
						.isGreaterThanOrEqualTo(definition.getDifferential().getElement().size());
			}
		}
		ImplementationGuide guide = conformance.stream().filter(ImplementationGuide.class::isInstance).map(ImplementationGuide.class::cast)
				.findFirst().orElseThrow();
		Set<String> listed = guide.getDefinition().getResource().stream().map(r -> r.getReference().getReference()).collect(Collectors.toSet());
		List<Resource> all = new ArrayList<>(conformance);
		all.addAll(examples);
		all.remove(guide);
		assertThat(listed).containsExactlyInAnyOrderElementsOf(all.stream().map(r -> r.fhirType() + "/" + r.getIdElement().getIdPart()).toList());
		assertThat(guide.getPackageId()).isEqualTo(GuidePackage.ID);
	}

	@Test
	void everyExampleAndFeedIsValidAgainstThePackageAloneInHapi() throws IOException {
		NpmPackageValidationSupport npm = new NpmPackageValidationSupport(FHIR);
		npm.loadPackageFromClasspath("classpath:" + GuidePackage.CLASSPATH);
		ValidationSupportChain chain = new ValidationSupportChain(npm, new DefaultProfileValidationSupport(FHIR),
				new CommonCodeSystemsTerminologyService(FHIR), new InMemoryTerminologyServerValidationSupport(FHIR),
				new SnapshotGeneratingValidationSupport(FHIR));
		FhirValidator validator = FHIR.newValidator().registerValidatorModule(new FhirInstanceValidator(chain));
		List<String> errors = new ArrayList<>();
		for (Resource example : resources("package/example/")) {
			for (SingleValidationMessage message : validator.validateWithResult(example).getMessages()) {
				if (message.getSeverity() == ResultSeverityEnum.ERROR || message.getSeverity() == ResultSeverityEnum.FATAL) {
					errors.add(example.getIdElement().getIdPart() + " " + message.getLocationString() + ": " + message.getMessage());
				}
			}
		}
		assertThat(errors).isEmpty();
	}

	private static List<Resource> resources(String folder) throws IOException {
		try (InputStream in = tgz()) {
			return GuidePackage.resources(in, folder);
		}
	}

	private static InputStream tgz() {
		return GuidePackageTest.class.getClassLoader().getResourceAsStream(GuidePackage.CLASSPATH);
	}
}
