package health.yilian.recognition;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.param.UriParam;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import health.yilian.guide.YilianGuide;
import health.yilian.server.ForgottenOnWrite;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.ValueSet;
import org.springframework.stereotype.Component;

/**
 * The recognition catalogue (互认目录): the provincial items recognised item by item under unified QC (003), each
 * with its validity window in days ({@code validity-days}), and the guide's map from LOINC to items, so that a LIS
 * that codes only LOINC still finds its item.
 *
 * <p>Each alliance recognises its own part of it, step by step ("gradually recognized by projects", 003): a ValueSet
 * it names ({@code yilian-recognition-items}) lists the items, each with the catalogue's window or its own
 * ({@code yilian-validity-days}), and may add items of its own code system (listed with their window). An alliance
 * that names none recognises the whole catalogue. Alliances' sets are kept in memory and forgotten when a ValueSet
 * is written on this node.
 */
@Component
public class RecognitionCatalogue extends ForgottenOnWrite {

	public static final String SYSTEM = YilianGuide.CANONICAL + "/CodeSystem/yilian-recognition-catalogue";
	public static final String ITEMS = YilianGuide.CANONICAL + "/StructureDefinition/yilian-recognition-items";
	public static final String VALIDITY_DAYS = YilianGuide.CANONICAL + "/StructureDefinition/yilian-validity-days";
	static final String LOINC = "http://loinc.org";

	/** One item as an alliance recognises it. */
	public record Item(Coding coding, int validityDays) {}

	/** The items one alliance recognises, and where they are declared. */
	public record Items(String source, Map<String, Item> bySystemAndCode) {

		Optional<Item> find(String system, String code) {
			return Optional.ofNullable(bySystemAndCode.get(system + "|" + code));
		}
	}

	private final DaoRegistry daoRegistry;
	private final Map<String, CodeSystem.ConceptDefinitionComponent> concepts = new LinkedHashMap<>();
	private final Map<String, String> itemOfLoinc = new HashMap<>();
	private final Items whole;
	private final Cache<String, Optional<Items>> declared = Caffeine.newBuilder().maximumSize(1_000).expireAfterWrite(Duration.ofSeconds(1)).build();

	public RecognitionCatalogue(YilianGuide guide, DaoRegistry daoRegistry) {
		this.daoRegistry = daoRegistry;
		guide.resource(CodeSystem.class, SYSTEM).getConcept().forEach(c -> concepts.put(c.getCode(), c));
		for (ConceptMap.ConceptMapGroupComponent group : guide.resource(ConceptMap.class,
				YilianGuide.CANONICAL + "/ConceptMap/yilian-recognition-catalogue-to-loinc").getGroup()) {
			group.getElement().forEach(e -> e.getTarget().forEach(t -> itemOfLoinc.putIfAbsent(t.getCode(), e.getCode())));
		}
		Map<String, Item> all = new LinkedHashMap<>();
		concepts.keySet().forEach(code -> all.put(SYSTEM + "|" + code, new Item(coding(code), catalogueDays(code).orElseThrow())));
		whole = new Items(SYSTEM, all);
	}

	/** The report's item in the catalogue: its own catalogue coding, else the item its LOINC code maps to. */
	public Optional<Coding> itemOf(DiagnosticReport report) {
		return itemOf(report, whole).map(Item::coding);
	}

	/** The report's item as the alliance recognises it; empty when the alliance does not recognise it. */
	public Optional<Item> itemOf(DiagnosticReport report, Items items) {
		for (Coding coding : report.getCode().getCoding()) {
			Optional<Item> item = items.find(coding.getSystem(), coding.getCode());
			if (item.isPresent()) {
				return item;
			}
		}
		return report.getCode().getCoding().stream()
				.filter(c -> LOINC.equals(c.getSystem()) && itemOfLoinc.containsKey(c.getCode()))
				.map(c -> items.find(SYSTEM, itemOfLoinc.get(c.getCode())))
				.flatMap(Optional::stream)
				.findFirst();
	}

	/** Every item of the guide's catalogue, each with the catalogue's window. */
	public Items whole() {
		return whole;
	}

	/** The items the alliance recognises: those of the ValueSet it names, or the whole catalogue. */
	public Items of(Organization alliance) {
		Extension named = alliance.getExtensionByUrl(ITEMS);
		if (named == null || named.getValue() == null || named.getValue().primitiveValue() == null) {
			return whole;
		}
		String canonical = named.getValue().primitiveValue();
		// A set that cannot be read (RecognisedItemsRule refuses to store one) recognises nothing rather than everything.
		return declared.get(canonical, this::load).orElseGet(() -> new Items(canonical, Map.of()));
	}

	/** The items a ValueSet lists, or why it cannot be a recognition set. */
	public Items expand(ValueSet valueSet) {
		String source = valueSet.getUrl();
		Map<String, Item> items = new LinkedHashMap<>();
		for (ValueSet.ConceptSetComponent include : valueSet.getCompose().getInclude()) {
			if (include.hasValueSet() || !include.hasSystem()) {
				throw new IllegalArgumentException("ValueSet.compose.include: name a system (the catalogue, or the alliance's own) and its items; "
						+ "an include of another ValueSet is not a recognition set");
			}
			String system = include.getSystem();
			if (!include.hasConcept()) {
				if (!SYSTEM.equals(system)) {
					throw new IllegalArgumentException("ValueSet.compose.include: items of " + system + " are listed one by one, each with its "
							+ "yilian-validity-days; only the guide's catalogue is included whole");
				}
				for (String code : concepts.keySet()) {
					if (include.getFilter().stream().allMatch(f -> matches(code, f))) {
						items.put(SYSTEM + "|" + code, whole.find(SYSTEM, code).orElseThrow());
					}
				}
				continue;
			}
			for (ValueSet.ConceptReferenceComponent concept : include.getConcept()) {
				String code = concept.getCode();
				boolean catalogued = SYSTEM.equals(system) && concepts.containsKey(code);
				if (SYSTEM.equals(system) && !catalogued) {
					throw new IllegalArgumentException("ValueSet.compose.include.concept: " + code + " is not an item of the catalogue " + SYSTEM);
				}
				Extension own = concept.getExtensionByUrl(VALIDITY_DAYS);
				Optional<Integer> days = own != null && own.getValue() instanceof IntegerType value ? Optional.ofNullable(value.getValue())
						: catalogued ? catalogueDays(code) : Optional.empty();
				if (days.isEmpty() || days.get() < 1) {
					throw new IllegalArgumentException("ValueSet.compose.include.concept: " + system + "|" + code
							+ " needs its validity window: an extension " + VALIDITY_DAYS + " with valuePositiveInt (days)");
				}
				String display = concept.hasDisplay() ? concept.getDisplay() : catalogued ? concepts.get(code).getDisplay() : code;
				items.put(system + "|" + code, new Item(new Coding(system, code, display), days.get()));
			}
		}
		for (ValueSet.ConceptSetComponent exclude : valueSet.getCompose().getExclude()) {
			exclude.getConcept().forEach(c -> items.remove(exclude.getSystem() + "|" + c.getCode()));
		}
		return new Items(source, Map.copyOf(items));
	}

	/** The newest stored ValueSet with this canonical ({@code url} or {@code url|version}). */
	public Optional<ValueSet> valueSet(String canonical) {
		String[] parts = canonical.split("\\|", 2);
		SearchParameterMap query = SearchParameterMap.newSynchronous("url", new UriParam(parts[0]));
		if (parts.length == 2) {
			query.add("version", new TokenParam(parts[1]));
		}
		query.setSort(new ca.uhn.fhir.rest.api.SortSpec("_lastUpdated", ca.uhn.fhir.rest.api.SortOrderEnum.DESC));
		List<IBaseResource> found = daoRegistry.getResourceDao(ValueSet.class).search(query, new SystemRequestDetails()).getResources(0, 1);
		return found.isEmpty() ? Optional.empty() : Optional.of((ValueSet) found.get(0));
	}

	private Optional<Items> load(String canonical) {
		try {
			return valueSet(canonical).map(this::expand);
		} catch (IllegalArgumentException unusable) {
			return Optional.empty();
		}
	}

	private boolean matches(String code, ValueSet.ConceptSetFilterComponent filter) {
		if (!"discipline".equals(filter.getProperty()) || filter.getOp() != ValueSet.FilterOperator.EQUAL) {
			throw new IllegalArgumentException("ValueSet.compose.include.filter: only discipline = {code} selects catalogue items");
		}
		return concepts.get(code).getProperty().stream()
				.anyMatch(p -> "discipline".equals(p.getCode()) && p.getValue() instanceof Coding c && filter.getValue().equals(c.getCode()));
	}

	private Coding coding(String item) {
		return new Coding(SYSTEM, item, concepts.get(item).getDisplay());
	}

	private Optional<Integer> catalogueDays(String code) {
		return concepts.get(code).getProperty().stream().filter(p -> "validity-days".equals(p.getCode()))
				.map(p -> ((IntegerType) p.getValue()).getValue()).findFirst();
	}

	@Override
	protected boolean holds(IBaseResource resource) {
		return resource instanceof ValueSet;
	}

	@Override
	protected void forget() {
		declared.invalidateAll();
	}
}
