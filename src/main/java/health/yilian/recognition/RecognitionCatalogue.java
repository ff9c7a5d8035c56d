package health.yilian.recognition;

import health.yilian.guide.YilianGuide;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.IntegerType;
import org.springframework.stereotype.Component;

/**
 * The recognition catalogue (互认目录): the items recognised item by item under unified QC (003), each with its
 * validity window in days ({@code validity-days}), and the guide's map from LOINC to items, so that a LIS that
 * codes only LOINC still finds its item.
 */
@Component
public class RecognitionCatalogue {

	public static final String SYSTEM = YilianGuide.CANONICAL + "/CodeSystem/yilian-recognition-catalogue";
	static final String LOINC = "http://loinc.org";

	private final Map<String, CodeSystem.ConceptDefinitionComponent> items = new HashMap<>();
	private final Map<String, String> itemOfLoinc = new HashMap<>();

	public RecognitionCatalogue(YilianGuide guide) {
		guide.resource(CodeSystem.class, SYSTEM).getConcept().forEach(c -> items.put(c.getCode(), c));
		for (ConceptMap.ConceptMapGroupComponent group : guide.resource(ConceptMap.class,
				YilianGuide.CANONICAL + "/ConceptMap/yilian-recognition-catalogue-to-loinc").getGroup()) {
			group.getElement().forEach(e -> e.getTarget().forEach(t -> itemOfLoinc.putIfAbsent(t.getCode(), e.getCode())));
		}
	}

	/** The report's item: its own catalogue coding, else the item its LOINC code maps to; empty when neither. */
	public Optional<Coding> itemOf(DiagnosticReport report) {
		Optional<String> code = report.getCode().getCoding().stream()
				.filter(c -> SYSTEM.equals(c.getSystem()) && items.containsKey(c.getCode()))
				.map(Coding::getCode)
				.findFirst()
				.or(() -> report.getCode().getCoding().stream()
						.filter(c -> LOINC.equals(c.getSystem()) && itemOfLoinc.containsKey(c.getCode()))
						.map(c -> itemOfLoinc.get(c.getCode()))
						.findFirst());
		return code.map(this::coding);
	}

	public Coding coding(String item) {
		return new Coding(SYSTEM, item, items.get(item).getDisplay());
	}

	/** Days a result of the item stays recognisable after its effective time. */
	public int validityDays(String item) {
		return items.get(item).getProperty().stream().filter(p -> "validity-days".equals(p.getCode()))
				.map(p -> ((IntegerType) p.getValue()).getValue())
				.findFirst()
				.orElseThrow(() -> new IllegalStateException("catalogue item " + item + " has no validity-days"));
	}
}
