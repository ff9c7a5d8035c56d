package health.yilian.guide;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.ImplementationGuide;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;

/**
 * The guide as an NPM package ({@code yilian.fhir.alliance}, FHIR's package format) that integration engineers load
 * into their own tools (SUSHI, the HL7 validator, HAPI) and that this server itself reads at start.
 *
 * <p>Built at {@code mvn process-classes} from what {@code ig/build} generates and commits ({@code profiles/},
 * {@code terminology/}, {@code ig/examples/}, {@code ig/feeds/}, {@code ig/pages/}), so the package in the jar is
 * never older than its sources. SUSHI writes differential StructureDefinitions only, and tools that import a package
 * need snapshots: HAPI's snapshot generator writes them here, against the full R4 core definitions, once at build
 * time rather than at every start. The tar is reproducible: entries sorted, times fixed, so an unchanged guide is
 * an unchanged package.
 */
public final class GuidePackage {

	public static final String ID = "yilian.fhir.alliance";
	/** Where the package is in the jar, and so on the server's classpath. */
	public static final String CLASSPATH = "yilian-guide/package.tgz";

	private static final Pattern VERSION = Pattern.compile("(?m)^version:\\s*(\\S+)");
	private static final Pattern TITLE = Pattern.compile("(?m)^title:\\s*\"?(.+?)\"?$");
	private static final Pattern DESCRIPTION = Pattern.compile("(?m)^description:\\s*\"?(.+?)\"?$");
	private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

	private final FhirContext fhirContext = FhirContext.forR4Cached();
	private final IParser parser = fhirContext.newJsonParser().setPrettyPrint(true);
	private final Map<String, byte[]> files = new LinkedHashMap<>();

	private GuidePackage() {}

	/** {@code GuidePackage <project root> <package.tgz to write>} */
	public static void main(String[] args) throws IOException {
		Path root = Path.of(args[0]);
		Path out = Path.of(args[1]);
		String config = Files.readString(root.resolve("ig/sushi-config.yaml"));
		String version = first(VERSION, config);
		GuidePackage guide = new GuidePackage();
		List<Resource> conformance = guide.read(root.resolve("profiles"), root.resolve("terminology"));
		List<Resource> examples = guide.read(root.resolve("ig/examples"), root.resolve("ig/feeds"));
		conformance = guide.withSnapshots(conformance);
		ImplementationGuide implementationGuide = guide.implementationGuide(version, first(TITLE, config), first(DESCRIPTION, config),
				conformance, examples, root.resolve("ig/pages"));
		List<Resource> all = new ArrayList<>(conformance);
		all.add(implementationGuide);
		guide.files.put("package/package.json", guide.manifest(version, first(TITLE, config), first(DESCRIPTION, config)));
		guide.addFolder("package/", all);
		guide.addFolder("package/example/", examples);
		guide.files.put("package/other/CHANGELOG.md", Files.readAllBytes(root.resolve("ig/CHANGELOG.md")));
		try (Stream<Path> pages = Files.list(root.resolve("ig/pages"))) {
			for (Path page : pages.sorted().toList()) {
				guide.files.put("package/other/pages/" + page.getFileName(), Files.readAllBytes(page));
			}
		}
		Files.createDirectories(out.getParent());
		try (OutputStream file = Files.newOutputStream(out)) {
			guide.write(file);
		}
		System.out.println("guide package " + ID + "#" + version + ": " + all.size() + " conformance resources, " + examples.size()
				+ " examples, " + out);
	}

	/** The resources of the package in {@code folder} ({@code package/} or {@code package/example/}) of a package. */
	public static List<Resource> resources(InputStream tgz, String folder) throws IOException {
		IParser parser = FhirContext.forR4Cached().newJsonParser();
		List<Resource> resources = new ArrayList<>();
		try (TarArchiveInputStream tar = new TarArchiveInputStream(new java.util.zip.GZIPInputStream(tgz))) {
			for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
				String name = entry.getName();
				boolean inFolder = name.startsWith(folder) && name.indexOf('/', folder.length()) < 0;
				if (inFolder && name.endsWith(".json") && !name.endsWith("package.json") && !name.endsWith(".index.json")) {
					resources.add((Resource) parser.parseResource(new String(tar.readAllBytes(), StandardCharsets.UTF_8)));
				}
			}
		}
		return resources;
	}

	private List<Resource> read(Path... folders) throws IOException {
		List<Resource> resources = new ArrayList<>();
		for (Path folder : folders) {
			if (!Files.isDirectory(folder)) {
				continue;
			}
			try (Stream<Path> found = Files.list(folder)) {
				for (Path file : found.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
					resources.add((Resource) parser.parseResource(Files.readString(file)));
				}
			}
		}
		return resources;
	}

	/**
	 * Every StructureDefinition with its snapshot: extensions first, then each profile after the guide profile it
	 * derives from, each generated against what was generated before it.
	 */
	private List<Resource> withSnapshots(List<Resource> conformance) {
		PrePopulatedValidationSupport guide = new PrePopulatedValidationSupport(fhirContext);
		conformance.forEach(guide::addResource);
		ValidationSupportChain chain = new ValidationSupportChain(new DefaultProfileValidationSupport(fhirContext), guide,
				new InMemoryTerminologyServerValidationSupport(fhirContext), new CommonCodeSystemsTerminologyService(fhirContext),
				new SnapshotGeneratingValidationSupport(fhirContext));
		Map<String, StructureDefinition> byUrl = new LinkedHashMap<>();
		conformance.stream().filter(StructureDefinition.class::isInstance).map(StructureDefinition.class::cast)
				.forEach(sd -> byUrl.put(sd.getUrl(), sd));
		Map<String, StructureDefinition> done = new LinkedHashMap<>();
		while (done.size() < byUrl.size()) {
			for (StructureDefinition definition : byUrl.values()) {
				boolean ready = !byUrl.containsKey(definition.getBaseDefinition()) || done.containsKey(definition.getBaseDefinition());
				boolean extensionsFirst = "Extension".equals(definition.getType())
						|| byUrl.values().stream().filter(d -> "Extension".equals(d.getType())).allMatch(d -> done.containsKey(d.getUrl()));
				if (done.containsKey(definition.getUrl()) || !ready || !extensionsFirst) {
					continue;
				}
				StructureDefinition input = definition.copy();
				input.setSnapshot(null);
				StructureDefinition generated = (StructureDefinition) chain.generateSnapshot(new ValidationSupportContext(chain), input,
						definition.getUrl(), YilianGuide.CANONICAL, definition.getName());
				if (generated == null || !generated.hasSnapshot()) {
					throw new IllegalStateException("no snapshot for " + definition.getUrl());
				}
				guide.addResource(generated);
				chain.invalidateCaches();
				done.put(definition.getUrl(), generated);
			}
		}
		return conformance.stream().map(r -> r instanceof StructureDefinition sd ? (Resource) done.get(sd.getUrl()) : r).toList();
	}

	private ImplementationGuide implementationGuide(String version, String title, String description, List<Resource> conformance,
			List<Resource> examples, Path pages) throws IOException {
		ImplementationGuide guide = new ImplementationGuide();
		guide.setId(ID);
		guide.setUrl(YilianGuide.CANONICAL + "/ImplementationGuide/" + ID).setVersion(version).setName("YilianAllianceGuide").setTitle(title)
				.setStatus(Enumerations.PublicationStatus.DRAFT).setPublisher("Yilian").setDescription(description)
				.setPackageId(ID).setLicense(ImplementationGuide.SPDXLicense.CC0_1_0)
				.addFhirVersion(Enumerations.FHIRVersion._4_0_1);
		guide.addJurisdiction().addCoding().setSystem("urn:iso:std:iso:3166").setCode("CN").setDisplay("China");
		guide.getDefinition().addGrouping().setName("配置文件与术语 Profiles and terminology").setId("conformance");
		guide.getDefinition().addGrouping().setName("示例 Examples").setId("examples");
		for (Resource resource : conformance) {
			MetadataResource metadata = (MetadataResource) resource;
			guide.getDefinition().addResource().setGroupingId("conformance").setName(metadata.hasTitle() ? metadata.getTitle() : metadata.getName())
					.setExample(new org.hl7.fhir.r4.model.BooleanType(false))
					.getReference().setReference(resource.fhirType() + "/" + resource.getIdElement().getIdPart());
		}
		for (Resource example : examples) {
			ImplementationGuide.ImplementationGuideDefinitionResourceComponent entry = guide.getDefinition().addResource().setGroupingId("examples")
					.setName(example.getIdElement().getIdPart());
			List<org.hl7.fhir.r4.model.CanonicalType> profiles = example.getMeta().getProfile();
			entry.setExample(profiles.isEmpty() ? new org.hl7.fhir.r4.model.BooleanType(true) : profiles.get(0).copy());
			entry.getReference().setReference(example.fhirType() + "/" + example.getIdElement().getIdPart());
		}
		ImplementationGuide.ImplementationGuideDefinitionPageComponent home = guide.getDefinition().getPage();
		home.setName(new org.hl7.fhir.r4.model.UrlType("README.md")).setTitle("Yilian 医联体 implementation guide").setGeneration(ImplementationGuide.GuidePageGeneration.MARKDOWN);
		try (Stream<Path> found = Files.list(pages)) {
			for (Path page : found.map(Path::getFileName).sorted().toList()) {
				if (!page.toString().equals("README.md")) {
					home.addPage().setName(new org.hl7.fhir.r4.model.UrlType(page.toString())).setTitle(page.toString().replace(".md", ""))
							.setGeneration(ImplementationGuide.GuidePageGeneration.MARKDOWN);
				}
			}
		}
		return guide;
	}

	private byte[] manifest(String version, String title, String description) throws IOException {
		ObjectNode manifest = JSON.createObjectNode();
		manifest.put("name", ID).put("version", version).put("canonical", YilianGuide.CANONICAL).put("url", YilianGuide.CANONICAL)
				.put("title", title).put("description", description).put("type", "fhir.ig").put("license", "CC0-1.0")
				.put("author", "Yilian").put("jurisdiction", "urn:iso:std:iso:3166#CN").put("language", "zh-CN");
		manifest.putArray("fhirVersions").add("4.0.1");
		manifest.putObject("dependencies").put("hl7.fhir.r4.core", "4.0.1");
		return JSON.writeValueAsBytes(manifest);
	}

	/** The resources of one folder and its {@code .index.json}, which tools read to find a resource by type and url. */
	private void addFolder(String folder, List<Resource> resources) throws IOException {
		ObjectNode index = JSON.createObjectNode();
		index.put("index-version", 1);
		ArrayNode entries = index.putArray("files");
		for (Resource resource : resources) {
			String filename = resource.fhirType() + "-" + resource.getIdElement().getIdPart() + ".json";
			files.put(folder + filename, parser.encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8));
			ObjectNode entry = entries.addObject().put("filename", filename).put("resourceType", resource.fhirType())
					.put("id", resource.getIdElement().getIdPart());
			if (resource instanceof MetadataResource metadata) {
				entry.put("url", metadata.getUrl()).put("version", metadata.getVersion());
			}
			if (resource instanceof StructureDefinition definition) {
				entry.put("kind", definition.getKind().toCode()).put("type", definition.getType())
						.put("derivation", definition.getDerivation() == null ? null : definition.getDerivation().toCode());
			}
		}
		files.put(folder + ".index.json", JSON.writeValueAsBytes(index));
	}

	private void write(OutputStream out) throws IOException {
		ByteArrayOutputStream buffer = new ByteArrayOutputStream();
		try (TarArchiveOutputStream tar = new TarArchiveOutputStream(buffer)) {
			tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
			for (Map.Entry<String, byte[]> file : new java.util.TreeMap<>(files).entrySet()) {
				TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
				entry.setSize(file.getValue().length);
				entry.setModTime(0);
				tar.putArchiveEntry(entry);
				tar.write(file.getValue());
				tar.closeArchiveEntry();
			}
		}
		try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
			gzip.write(buffer.toByteArray());
		}
	}

	private static String first(Pattern pattern, String text) {
		Matcher found = pattern.matcher(text);
		if (!found.find()) {
			throw new IllegalStateException("ig/sushi-config.yaml has no " + pattern);
		}
		return found.group(1).trim();
	}
}
