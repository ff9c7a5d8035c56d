package health.yilian.fulltext;

import static org.assertj.core.api.Assertions.assertThat;

import health.yilian.server.FhirServerTestSupport;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code _content} and {@code _text} over Chinese (and English) report text, through the REST API. */
class ChineseFullTextSearchTest extends FhirServerTestSupport {

	private String patient;
	private String noduleReport;
	private String scatteredCharactersReport;
	private String englishReport;

	@BeforeEach
	void threeChestReportsOfOnePatient() {
		Patient p = example("Patient-wang-xiuying", Patient.class);
		p.getIdentifier().clear();
		p.addIdentifier().setSystem(RESIDENT_ID).setValue(newResidentId());
		p.getName().clear();
		p.addName().setText("陈静").setFamily("陈").addGiven("静");
		patient = fhir.create().resource(p).execute().getId().toUnqualifiedVersionless().getValue();

		noduleReport = create("胸部CT平扫", "右肺上叶见磨玻璃肺结节，直径约6mm，建议6个月后复查。",
				"<div xmlns=\"http://www.w3.org/1999/xhtml\">胸部CT：右肺上叶磨玻璃结节</div>");
		scatteredCharactersReport = create("胸部X线", "双肺纹理清晰，未见结石影，心脏节律齐。", null);
		englishReport = create("Chest CT", "Small ground-glass nodule in the right upper lobe.", null);
	}

	@Test
	void aMultiCharacterChineseTermFindsTheReportThatContainsIt() {
		assertThat(content("肺结节")).containsExactly(noduleReport);
		assertThat(content("磨玻璃")).containsExactly(noduleReport);
	}

	@Test
	void aReportHoldingTheCharactersApartIsNotAMatch() {
		// 肺, 结 and 节 all occur in the X-ray report, but never as 肺结节.
		assertThat(content("肺结节")).doesNotContain(scatteredCharactersReport);
	}

	@Test
	void aSingleChineseCharacterStillMatchesEveryReportContainingIt() {
		assertThat(content("肺")).containsExactlyInAnyOrder(noduleReport, scatteredCharactersReport);
	}

	@Test
	void severalWordsMustAllBePresent() {
		assertThat(content("右肺 磨玻璃")).containsExactly(noduleReport);
		assertThat(content("右肺 结石")).isEmpty();
	}

	@Test
	void englishWordsKeepPrefixMatching() {
		assertThat(content("nodul")).containsExactly(englishReport);
		assertThat(content("upper lobe")).containsExactly(englishReport);
	}

	@Test
	void narrativeTextIsSearchedWithUnderscoreText() {
		Bundle found = fhir.search().forResource(DiagnosticReport.class)
				.where(DiagnosticReport.SUBJECT.hasId(patient))
				.and(new ca.uhn.fhir.rest.gclient.StringClientParam("_text").matches().value("磨玻璃结节"))
				.returnBundle(Bundle.class).execute();

		assertThat(ids(found)).containsExactly(noduleReport);
	}

	private List<String> content(String query) {
		Bundle found = fhir.search().forResource(DiagnosticReport.class)
				.where(DiagnosticReport.SUBJECT.hasId(patient))
				.and(new ca.uhn.fhir.rest.gclient.StringClientParam("_content").matches().value(query))
				.returnBundle(Bundle.class).execute();
		return ids(found);
	}

	private static List<String> ids(Bundle bundle) {
		return bundle.getEntry().stream()
				.map(e -> e.getResource().getIdElement().toUnqualifiedVersionless().getValue())
				.toList();
	}

	private String create(String title, String conclusion, String narrative) {
		DiagnosticReport report = example("DiagnosticReport-chest-ct-wang-xiuying", DiagnosticReport.class);
		report.getIdentifierFirstRep().setValue(unique("DY-RIS-"));
		report.getCode().setText(title);
		report.setSubject(new Reference(patient));
		report.setConclusion(conclusion);
		if (narrative != null) {
			report.getText().setStatus(Narrative.NarrativeStatus.GENERATED).setDivAsString(narrative);
		}
		IdType id = (IdType) fhir.create().resource(report).execute().getId();
		return id.toUnqualifiedVersionless().getValue();
	}
}
