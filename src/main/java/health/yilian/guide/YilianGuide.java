package health.yilian.guide;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.validation.JpaValidationSupportChain;
import jakarta.annotation.PostConstruct;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.ImplementationGuide;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Type;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * The Yilian implementation guide as the server carries it: the package {@code yilian.fhir.alliance} built into the
 * jar ({@link GuidePackage}: the StructureDefinitions with snapshots, CodeSystems, ValueSets, ConceptMaps, search
 * parameters and the ImplementationGuide), and its examples, read from the classpath (no registry, no network).
 *
 * <p>They go into HAPI's validation chain before anything else, from memory, at construction. HAPI's repository
 * validation reads profiles from the database, which on a fresh database is empty until a guide is installed, so
 * the first writes would go unchecked; here the first write is checked like every other.
 */
@Component
public class YilianGuide {

	public static final String CANONICAL = "https://yilian.health/fhir";

	private final FhirContext fhirContext;
	private final JpaValidationSupportChain validationChain;
	private final byte[] packageFile;
	private final List<Resource> conformanceResources;
	private final List<Resource> examples;

	public YilianGuide(FhirContext fhirContext, JpaValidationSupportChain validationChain) {
		this.fhirContext = fhirContext;
		this.validationChain = validationChain;
		this.packageFile = readPackage();
		try {
			this.conformanceResources = List.copyOf(GuidePackage.resources(new java.io.ByteArrayInputStream(packageFile), "package/"));
		} catch (IOException e) {
			throw new UncheckedIOException("Cannot read the Yilian guide package", e);
		}
		this.examples = load("yilian-guide/examples/*.json");
	}

	@PostConstruct
	void putGuideFirstInTheValidationChain() {
		PrePopulatedValidationSupport guide = new PrePopulatedValidationSupport(fhirContext);
		conformanceResources.forEach(guide::addResource);
		validationChain.addValidationSupport(0, guide);
		validationChain.invalidateCaches();
	}

	/**
	 * Profiles and extensions with their snapshots, search parameters, code systems, value sets, concept maps and the
	 * ImplementationGuide resource, as the package ({@link GuidePackage}) publishes them.
	 */
	public List<Resource> conformanceResources() {
		return conformanceResources;
	}

	/**
	 * One property of every concept of one of the guide's code systems (code → value), for the rules that read
	 * their facts from the terminology: a grade's {@code level}, whether a brand use is {@code grantable}.
	 */
	public Map<String, Type> conceptProperty(String codeSystemUrl, String property) {
		CodeSystem codeSystem = resource(CodeSystem.class, codeSystemUrl);
		Map<String, Type> values = new HashMap<>();
		for (CodeSystem.ConceptDefinitionComponent concept : codeSystem.getConcept()) {
			concept.getProperty().stream().filter(p -> property.equals(p.getCode())).findFirst()
					.ifPresent(p -> values.put(concept.getCode(), p.getValue()));
		}
		return Map.copyOf(values);
	}

	/** One of the guide's conformance resources by its canonical URL; a missing one is a packaging error. */
	public <T extends MetadataResource> T resource(Class<T> type, String url) {
		return conformanceResources.stream()
				.filter(r -> type.isInstance(r) && url.equals(type.cast(r).getUrl()))
				.map(type::cast)
				.findFirst()
				.orElseThrow(() -> new IllegalStateException("The guide has no " + type.getSimpleName() + " " + url));
	}

	/** The guide's ImplementationGuide resource: what the package holds, and its version. */
	public ImplementationGuide implementationGuide() {
		return conformanceResources.stream().filter(ImplementationGuide.class::isInstance).map(ImplementationGuide.class::cast).findFirst()
				.orElseThrow(() -> new IllegalStateException("The guide package has no ImplementationGuide"));
	}

	/** The guide's examples: one consistent demo alliance. */
	public List<Resource> examples() {
		return examples;
	}

	/** The package file as built ({@code package.tgz}), for download: what is served is what engineers download. */
	public byte[] packageFile() {
		return packageFile.clone();
	}

	/** The package the build put in the jar, read once. */
	private static byte[] readPackage() {
		try (InputStream in = YilianGuide.class.getClassLoader().getResourceAsStream(GuidePackage.CLASSPATH)) {
			if (in == null) {
				throw new IllegalStateException("No " + GuidePackage.CLASSPATH + " on the classpath: build with ./mvnw, which packages the guide");
			}
			return in.readAllBytes();
		} catch (IOException e) {
			throw new UncheckedIOException("Cannot read the Yilian guide package", e);
		}
	}

	private List<Resource> load(String... patterns) {
		List<Resource> resources = new ArrayList<>();
		PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
		try {
			for (String pattern : patterns) {
				org.springframework.core.io.Resource[] found = resolver.getResources("classpath*:" + pattern);
				java.util.Arrays.sort(found, Comparator.comparing(org.springframework.core.io.Resource::getFilename));
				for (org.springframework.core.io.Resource file : found) {
					try (InputStream in = file.getInputStream()) {
						resources.add((Resource) fhirContext.newJsonParser()
								.parseResource(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
					}
				}
			}
		} catch (IOException e) {
			throw new UncheckedIOException("Cannot read the Yilian guide from the classpath", e);
		}
		if (resources.isEmpty()) {
			throw new IllegalStateException("No guide artifacts found for " + String.join(", ", patterns) + ": build with ./mvnw");
		}
		return List.copyOf(resources);
	}
}
