package health.yilian.recognition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import health.yilian.membership.AllianceFixtures;
import health.yilian.server.FhirServerTestSupport;
import java.time.LocalDate;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.OrganizationAffiliation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Mutual recognition of results (检查检验结果互认) as a receiving doctor's HIS, a LIS and an auditor meet it: a fresh
 * city group per test with a 三甲 hospital and its QC-qualified lab, and a community centre.
 */
class RecognitionTest extends FhirServerTestSupport {

	private static final String CATALOGUE = RecognitionCatalogue.SYSTEM;
	private static final String POTASSIUM = "2823-3";
	private static final String HAEMOGLOBIN = "718-7";

	private AllianceFixtures fixtures;
	private String hospital;
	private String lab;
	private String alliance;
	private String community;
	private String residentId;

	@BeforeEach
	void aCityGroupWithAQualifiedHospitalLabAndACommunityCentre() {
		fixtures = new AllianceFixtures(fhir);
		hospital = fixtures.hospital("Organization-deyang-peoples-hospital", "绵竹市人民医院");
		alliance = fixtures.alliance(hospital, "绵竹市城市医疗集团");
		community = fixtures.hospital("Organization-chengbei-community-health-centre", "绵竹市剑南街道社区卫生服务中心");
		fixtures.membership(hospital, alliance, LocalDate.of(2024, 1, 1));
		fixtures.membership(community, alliance, LocalDate.of(2024, 1, 1));
		lab = lab(hospital, "绵竹市人民医院检验科");
		residentId = newResidentId();
	}

	@Test
	void aPotassiumResultIsRecognisableByTheCommunityCentreForSevenDaysAndNotOnTheEighth() {
		String report = labReport(lab, POTASSIUM, "2026-11-10T08:00:00+08:00", "final");

		Parameters day7 = recognition(report, community, "2026-11-17");
		assertThat(bool(day7, "eligible")).isTrue();
		assertThat(day7.getParameter("hr-mark").getValue().primitiveValue()).isEqualTo("绵竹市城市医疗集团HR");
		assertThat(day7.getParameter("valid-until").getValue().primitiveValue()).isEqualTo("2026-11-17T08:00:00+08:00");
		assertThat(reasons(day7)).containsExactly("recognisable");

		Parameters day8 = recognition(report, community, "2026-11-18");
		assertThat(bool(day8, "eligible")).isFalse();
		assertThat(reasons(day8)).containsExactly("expired");

		Bundle before = recognizable(community, "2026-11-17");
		assertThat(before.getTotal()).isEqualTo(1);
		DiagnosticReport offered = (DiagnosticReport) before.getEntry().get(0).getResource();
		assertThat(hrMark(offered)).isEqualTo("绵竹市城市医疗集团HR");
		assertThat(before.getEntry()).extracting(e -> e.getResource().getResourceType().name())
				.containsExactly("DiagnosticReport", "Observation");
		assertThat(recognizable(community, "2026-11-18").getEntry()).isEmpty();
	}

	@Test
	void aChestCtFromTheHospitalsRadiologyIsOfferedForThirtyDaysOnThePatientsOwnRecord() {
		String patient = fhir.read().resource(DiagnosticReport.class)
				.withUrl(labReport(lab, POTASSIUM, "2026-11-01T08:00:00+08:00", "final")).execute().getSubject().getReference();
		Organization radiology = example("Organization-deyang-peoples-hospital-imaging", Organization.class);
		radiology.setName("绵竹市人民医院放射科").setPartOf(new Reference(hospital)).getIdentifierFirstRep().setValue(unique("RAD-"));
		String imaging = fhir.create().resource(radiology).execute().getId().toUnqualifiedVersionless().getValue();
		DiagnosticReport ct = example("DiagnosticReport-chest-ct-wang-xiuying", DiagnosticReport.class);
		ct.getIdentifierFirstRep().setValue(unique("MZ-RIS-"));
		ct.setSubject(new Reference(patient)).setPerformer(List.of(new Reference(imaging)));
		ct.setEffective(new DateTimeType("2026-11-01T14:30:00+08:00"));
		String report = fhir.create().resource(ct).execute().getId().toUnqualifiedVersionless().getValue();

		Bundle day30 = recognizableFor(patient, community, "2026-12-01");
		assertThat(day30.getEntry()).extracting(e -> e.getResource().getIdElement().toUnqualifiedVersionless().getValue()).containsExactly(report);
		assertThat(hrMark((DiagnosticReport) day30.getEntry().get(0).getResource())).isEqualTo("绵竹市城市医疗集团HR");
		assertThat(recognizableFor(patient, community, "2026-12-02").getEntry()).isEmpty();
	}

	/**
	 * Alliances recognise item by item (003): a specialty alliance that takes potassium for three days and no glucose
	 * answers so, while the city group beside it keeps the provincial catalogue's seven days.
	 */
	@Test
	void eachAllianceRecognisesTheItemsItDeclaresWithItsOwnWindows() {
		org.hl7.fhir.r4.model.ValueSet items = new org.hl7.fhir.r4.model.ValueSet();
		items.setUrl("https://mianzhu.example/fhir/ValueSet/" + unique("chest-pain-items-")).setName("MianzhuChestPainItems")
				.setTitle("绵竹市胸痛专科联盟互认项目").setStatus(org.hl7.fhir.r4.model.Enumerations.PublicationStatus.ACTIVE);
		items.getCompose().addInclude().setSystem(CATALOGUE).addConcept().setCode("K").setDisplay("血清钾")
				.addExtension(RecognitionCatalogue.VALIDITY_DAYS, new org.hl7.fhir.r4.model.PositiveIntType(3));
		fhir.create().resource(items).execute();
		String specialty = fixtures.alliance(hospital, "绵竹市胸痛专科联盟");
		Organization declared = fhir.read().resource(Organization.class).withUrl(specialty).execute();
		declared.getExtensionByUrl(RecognitionCatalogue.ITEMS).setValue(new org.hl7.fhir.r4.model.CanonicalType(items.getUrl()));
		fhir.update().resource(declared).execute();
		String unit = fixtures.hospital("Organization-chengbei-community-health-centre", "绵竹市胸痛救治单元");
		fixtures.membership(hospital, specialty, LocalDate.of(2024, 1, 1));
		fixtures.membership(unit, specialty, LocalDate.of(2024, 1, 1));
		String potassium = labReport(lab, POTASSIUM, "2026-11-10T08:00:00+08:00", "final");
		String glucose = labReport(lab, "2345-7", "2026-11-10T08:00:00+08:00", "final");

		Parameters day2 = recognition(potassium, unit, "2026-11-12");
		assertThat(bool(day2, "eligible")).isTrue();
		assertThat(day2.getParameter("hr-mark").getValue().primitiveValue()).isEqualTo("绵竹市胸痛专科联盟HR");
		assertThat(day2.getParameter("valid-until").getValue().primitiveValue()).isEqualTo("2026-11-13T08:00:00+08:00");
		assertThat(reasons(recognition(potassium, unit, "2026-11-14"))).containsExactly("expired");
		Parameters cityGroup = recognition(potassium, community, "2026-11-14");
		assertThat(bool(cityGroup, "eligible")).isTrue();
		assertThat(cityGroup.getParameter("hr-mark").getValue().primitiveValue()).isEqualTo("绵竹市城市医疗集团HR");
		assertThat(reasons(recognition(glucose, unit, "2026-11-12"))).containsExactly("not-catalogued");
		assertThat(recognizable(unit, "2026-11-12").getEntry()).extracting(e -> e.getResource().getIdElement().toUnqualifiedVersionless().getValue())
				.contains(potassium).doesNotContain(glucose);
	}

	@Test
	void anAllianceNamesOnlyItemsTheServerCanRead() {
		String specialty = fixtures.alliance(hospital, "绵竹市卒中专科联盟");
		Organization declared = fhir.read().resource(Organization.class).withUrl(specialty).execute();
		declared.getExtensionByUrl(RecognitionCatalogue.ITEMS).setValue(new org.hl7.fhir.r4.model.CanonicalType("https://mianzhu.example/fhir/ValueSet/none"));
		assertThatThrownBy(() -> fhir.update().resource(declared).execute())
				.isInstanceOf(UnprocessableEntityException.class).hasMessageContaining("yl-recognition-items");

		org.hl7.fhir.r4.model.ValueSet own = new org.hl7.fhir.r4.model.ValueSet();
		own.setUrl("https://mianzhu.example/fhir/ValueSet/" + unique("own-items-")).setName("MianzhuOwnItems")
				.setStatus(org.hl7.fhir.r4.model.Enumerations.PublicationStatus.ACTIVE);
		own.getCompose().addInclude().setSystem("https://mianzhu.example/fhir/CodeSystem/items").addConcept().setCode("NT-proBNP").setDisplay("N末端B型钠尿肽前体");
		own.getCompose().addInclude().setSystem(CATALOGUE).addConcept().setCode("CT-CHEST")
				.addExtension(RecognitionCatalogue.VALIDITY_DAYS, new org.hl7.fhir.r4.model.PositiveIntType(14));
		assertThatThrownBy(() -> fhir.create().resource(own).execute())
				.isInstanceOf(UnprocessableEntityException.class).hasMessageContaining("yl-recognition-items").hasMessageContaining("NT-proBNP");
	}

	private Bundle recognizableFor(String patient, String requester, String date) {
		return fhir.operation().onInstance(new IdType(patient)).named("$recognizable")
				.withParameter(Parameters.class, "requester", new StringType(requester))
				.andParameter("date", new DateType(date))
				.useHttpGet().returnResourceType(Bundle.class).execute();
	}

	@Test
	void everyReadShowsTheHrMarkOnlyWhileTheResultIsValid() {
		String report = labReport(lab, POTASSIUM, "2026-11-10T08:00:00+08:00", "final");

		clock.setDay(LocalDate.of(2026, 11, 16));
		assertThat(hrMark(fhir.read().resource(DiagnosticReport.class).withUrl(report).execute())).isEqualTo("绵竹市城市医疗集团HR");
		clock.setDay(LocalDate.of(2026, 11, 18));
		assertThat(hrMark(fhir.read().resource(DiagnosticReport.class).withUrl(report).execute())).isNull();
	}

	/** valid-until 00:58 on the 17th: the mark, $recognition and $recognizable say the same at 00:57 and at 01:58. */
	@Test
	void theValidityWindowIsCountedToTheInstantOnEveryPath() {
		String report = labReport(lab, POTASSIUM, "2026-11-10T00:58:00+08:00", "final");
		try {
			clock.set(java.time.OffsetDateTime.parse("2026-11-17T00:57:00+08:00").toInstant());
			Parameters before = recognition(report, community, null);
			assertThat(bool(before, "eligible")).isTrue();
			assertThat(before.getParameter("valid-until").getValue().primitiveValue()).isEqualTo("2026-11-17T00:58:00+08:00");
			assertThat(hrMark(fhir.read().resource(DiagnosticReport.class).withUrl(report).execute())).isEqualTo("绵竹市城市医疗集团HR");
			assertThat(recognizable(community, null).getTotal()).isEqualTo(1);

			clock.set(java.time.OffsetDateTime.parse("2026-11-17T01:58:00+08:00").toInstant());
			Parameters after = recognition(report, community, null);
			assertThat(bool(after, "eligible")).isFalse();
			assertThat(reasons(after)).containsExactly("expired");
			assertThat(hrMark(fhir.read().resource(DiagnosticReport.class).withUrl(report).execute())).isNull();
			assertThat(recognizable(community, null).getEntry()).isEmpty();
			// An auditor asking about the day (its start) or an instant gets the answer of that instant.
			assertThat(bool(recognition(report, community, "2026-11-17"), "eligible")).isTrue();
			assertThat(bool(recognition(report, community, "2026-11-17T00:58:00+08:00"), "eligible")).isFalse();
		} finally {
			clock.reset();
		}
	}

	@Test
	void aSendersRecognitionIsRemovedAndTheServerStampsItemAndQcStandingForAuditors() {
		DiagnosticReport forged = reportDraft(lab, HAEMOGLOBIN, "2026-11-20T08:00:00+08:00", "final");
		Extension fake = forged.addExtension().setUrl(RecognitionStamp.RECOGNITION);
		fake.addExtension("hr-mark", new StringType("伪造HR"));
		fake.addExtension("scope", new Reference(alliance));
		fake.addExtension("item", new Coding(CATALOGUE, "K", null));
		fake.addExtension("valid-until", new DateTimeType("2099-01-01T00:00:00+08:00"));
		String report = send(forged);

		DiagnosticReport stored = fhir.read().resource(DiagnosticReport.class).withUrl(report).execute();
		assertThat(stored.getExtensionByUrl(RecognitionStamp.RECOGNITION)).isNull();
		assertThat(stored.getExtensionByUrl(RecognitionStamp.QC_STANDING)).isNull();

		String potassium = labReport(lab, POTASSIUM, "2026-11-20T08:00:00+08:00", "final");
		DiagnosticReport stamped = fhir.read().resource(DiagnosticReport.class).withUrl(potassium).execute();
		assertThat(stamped.getCode().getCoding()).extracting(Coding::getCode).contains("K");
		assertThat(((CodeType) stamped.getExtensionByUrl(RecognitionStamp.QC_STANDING).getValue()).getValue()).isEqualTo("passed");
		assertThat(ids("DiagnosticReport?performer=" + lab + "&code=" + CATALOGUE + "|K&qc-standing=passed&date=ge2026-11-01"))
				.containsExactly(potassium);
	}

	@Test
	void afterAFailedEqaPostingLaterResultsAreNotRecognisedAndEarlierOnesKeepTheirStanding() {
		String before = labReport(lab, POTASSIUM, "2026-11-18T08:00:00+08:00", "final");
		postQc(lab, "failed", "2026-11-19");
		String after = labReport(lab, POTASSIUM, "2026-11-20T08:00:00+08:00", "final");

		assertThat(bool(recognition(before, community, "2026-11-21"), "eligible")).isTrue();
		Parameters refused = recognition(after, community, "2026-11-21");
		assertThat(bool(refused, "eligible")).isFalse();
		assertThat(reasons(refused)).containsExactly("qc-not-passed");
		assertThat(ids("DiagnosticReport?performer=" + lab + "&qc-standing=failed")).containsExactly(after);
		assertThat(ids("Organization?qc-status=failed&_id=" + new IdType(lab).getIdPart())).hasSize(1);
	}

	@Test
	void anItemOutsideTheCatalogueAndAPreliminaryReportAreNotRecognised() {
		String haemoglobin = labReport(lab, HAEMOGLOBIN, "2026-11-20T08:00:00+08:00", "final");
		String preliminary = labReport(lab, POTASSIUM, "2026-11-20T09:00:00+08:00", "preliminary");

		assertThat(reasons(recognition(haemoglobin, community, "2026-11-21"))).containsExactly("not-catalogued");
		assertThat(reasons(recognition(preliminary, community, "2026-11-21"))).containsExactly("not-final");
		assertThat(recognizable(community, "2026-11-21").getEntry()).isEmpty();
	}

	@Test
	void aReportFromAHospitalWhoseMembershipEndedAndARequesterOutsideTheAllianceAreRefused() {
		String county = fixtures.hospital("Organization-deyang-second-peoples-hospital", "绵竹市中医医院");
		OrganizationAffiliation ended = fixtures.membershipDraft(county, alliance, LocalDate.of(2024, 1, 1));
		ended.setActive(false).getPeriod().setEndElement(new DateTimeType("2026-11-01"));
		ended.addExtension("https://yilian.health/fhir/StructureDefinition/yilian-membership-end-reason", new CodeableConcept(
				new Coding("https://yilian.health/fhir/CodeSystem/yilian-membership-end-reason", "withdrawal", "主动退出")));
		fhir.create().resource(ended).execute();
		String countyLab = lab(county, "绵竹市中医医院检验科");
		String outsider = fixtures.hospital("Organization-chengbei-community-health-centre", "什邡市方亭街道社区卫生服务中心");

		String fromEnded = labReport(countyLab, POTASSIUM, "2026-11-10T08:00:00+08:00", "final");
		String fromLead = labReport(lab, POTASSIUM, "2026-11-10T08:00:00+08:00", "final");

		assertThat(reasons(recognition(fromEnded, community, "2026-11-12"))).containsExactly("performer-not-member");
		assertThat(reasons(recognition(fromLead, outsider, "2026-11-12"))).containsExactly("requester-not-member");
	}

	@Test
	void aLowerLevelLabsResultIsRecognisedByAHigherLevelHospitalOnlyUnderTheAllLevelsPolicy() {
		String communityLab = lab(community, "剑南街道社区卫生服务中心检验室");
		String report = labReport(communityLab, POTASSIUM, "2026-11-20T08:00:00+08:00", "final");

		Parameters sameOrHigher = recognition(report, hospital, "2026-11-21");
		assertThat(reasons(sameOrHigher)).containsExactly("level-rule");
		assertThat(bool(recognition(report, community, "2026-11-21"), "eligible")).isTrue();

		Organization group = fhir.read().resource(Organization.class).withUrl(alliance).execute();
		group.getExtensionByUrl(RecognitionEligibility.POLICY).setValue(new CodeType("all-levels"));
		fhir.update().resource(group).execute();
		assertThat(bool(recognition(report, hospital, "2026-11-21"), "eligible")).isTrue();
	}

	@Test
	void aCorrectedReportReplacesTheOriginalAndEnteredInErrorWithdrawsItAtOnce() {
		String original = labReport(lab, POTASSIUM, "2026-11-20T08:00:00+08:00", "final");
		String corrected = labReport(lab, POTASSIUM, "2026-11-20T08:00:00+08:00", "corrected");

		assertThat(corrected).isEqualTo(original);
		DiagnosticReport stored = fhir.read().resource(DiagnosticReport.class).withUrl(corrected).execute();
		assertThat(stored.getStatus()).isEqualTo(DiagnosticReport.DiagnosticReportStatus.CORRECTED);
		assertThat(stored.getMeta().getVersionId()).isEqualTo("2");
		assertThat(recognizable(community, "2026-11-21").getTotal()).isEqualTo(1);

		labReport(lab, POTASSIUM, "2026-11-20T08:00:00+08:00", "entered-in-error");
		assertThat(recognizable(community, "2026-11-21").getEntry()).isEmpty();
	}

	@Test
	void aPatientWhoOptedOutIsNotSharedAndAnOptInAllianceNeedsAYes() {
		String report = labReport(lab, POTASSIUM, "2026-11-20T08:00:00+08:00", "final");
		String patient = fhir.read().resource(DiagnosticReport.class).withUrl(report).execute().getSubject().getReference();

		Consent optOut = example("Consent-sharing-consent-wang-xiuying", Consent.class);
		optOut.setPatient(new Reference(patient));
		optOut.setOrganization(List.of(new Reference(alliance)));
		optOut.setDateTimeElement(new DateTimeType("2026-11-21T09:00:00+08:00"));
		optOut.getProvision().setType(Consent.ConsentProvisionType.DENY);
		fhir.create().resource(optOut).execute();

		assertThat(bool(recognition(report, community, "2026-11-20"), "eligible")).isTrue();
		assertThat(reasons(recognition(report, community, "2026-11-21"))).containsExactly("consent-denied");
		assertThat(recognizable(community, "2026-11-21").getEntry()).isEmpty();

		String other = labReport(lab, POTASSIUM, "2026-11-20T08:00:00+08:00", "final", newResidentId());
		Organization group = fhir.read().resource(Organization.class).withUrl(alliance).execute();
		group.getExtensionByUrl("https://yilian.health/fhir/StructureDefinition/yilian-sharing-policy").setValue(new CodeType("opt-in"));
		fhir.update().resource(group).execute();
		assertThat(reasons(recognition(other, community, "2026-11-21"))).containsExactly("consent-denied");
	}

	@Test
	void theDoctorsDecisionsGiveTheMembersRecognitionRate() {
		String report = labReport(lab, POTASSIUM, "2026-11-20T08:00:00+08:00", "final");
		decide(report, "recognised", null);
		decide(report, "retested", "condition-changed");
		decide(report, "recognised", null);

		assertThatThrownBy(() -> decide(report, "retested", null))
				.isInstanceOf(UnprocessableEntityException.class);
		Parameters rate = fhir.operation().onInstance(new IdType(community)).named("$recognition-rate")
				.withParameter(Parameters.class, "start", new DateType("2026-11-01"))
				.andParameter("end", new DateType("2026-11-30"))
				.useHttpGet().execute();
		assertThat(rate.getParameter("presented").getValue().primitiveValue()).isEqualTo("3");
		assertThat(rate.getParameter("recognised").getValue().primitiveValue()).isEqualTo("2");
		assertThat(rate.getParameter("rate").getValue().primitiveValue()).isEqualTo("0.6667");
		assertThat(ids("DiagnosticReport?_has:Task:focus:business-status=recognised&_id=" + new IdType(report).getIdPart()))
				.containsExactly(report);
	}

	@Test
	void badQuestionsGetAClearAnswer() throws Exception {
		assertThatThrownBy(() -> fhir.operation().onType(Patient.class).named("$recognizable")
				.withParameter(Parameters.class, "requester", new StringType(community)).useHttpGet().execute())
				.isInstanceOf(InvalidRequestException.class).hasMessageContaining("identifier");
		var unknown = send("GET", "/fhir/Patient/$recognizable?identifier=" + RESIDENT_ID + "%7C" + residentId + "&requester=Organization/no-such-hospital", null);
		assertThat(unknown.statusCode()).isEqualTo(400);
		assertThat(unknown.body()).contains("OperationOutcome").contains("requester");
		var month = send("GET", "/fhir/Patient/$recognizable?identifier=" + residentId + "&requester=" + community + "&date=2026-11", null);
		assertThat(month.statusCode()).isEqualTo(400);
		assertThat(month.body()).contains("yyyy-mm-dd");
	}

	// ---- the LIS, the QC centre and the receiving doctor ----

	private String lab(String hospitalId, String name) {
		Organization department = example("Organization-deyang-peoples-hospital-lab", Organization.class);
		department.setName(name);
		department.getIdentifierFirstRep().setValue(unique("LAB-"));
		department.setPartOf(new Reference(hospitalId));
		return fhir.create().resource(department).execute().getId().toUnqualifiedVersionless().getValue();
	}

	/** The provincial centre posts a failed EQA for potassium from {@code day} on. */
	private void postQc(String department, String status, String day) {
		Organization organization = fhir.read().resource(Organization.class).withUrl(department).execute();
		Extension failed = organization.getExtensionByUrl(health.yilian.quality.QcStanding.QUALIFICATION).copy();
		failed.getExtension().removeIf(e -> health.yilian.quality.QcStanding.ITEM.equals(e.getUrl()));
		failed.getExtensionByUrl(health.yilian.quality.QcStanding.STATUS).setValue(new CodeType(status));
		failed.getExtensionByUrl("period").setValue(new Period().setStartElement(new DateTimeType(day)));
		failed.addExtension(health.yilian.quality.QcStanding.ITEM, new Coding(CATALOGUE, "K", "血清钾"));
		organization.addExtension(failed);
		fhir.update().resource(organization).execute();
	}

	private String labReport(String performer, String loinc, String effective, String status) {
		return labReport(performer, loinc, effective, status, residentId);
	}

	private String labReport(String performer, String loinc, String effective, String status, String person) {
		DiagnosticReport report = reportDraft(performer, loinc, effective, status);
		report.getIdentifierFirstRep().setValue(person + "-" + new IdType(performer).getIdPart() + "-" + loinc + "-" + effective.substring(0, 13));
		return send(report, person);
	}

	private DiagnosticReport reportDraft(String performer, String loinc, String effective, String status) {
		DiagnosticReport report = example("DiagnosticReport-lab-report-wang-xiuying", DiagnosticReport.class);
		report.getIdentifierFirstRep().setValue(unique("MZ-LIS-"));
		report.setStatus(DiagnosticReport.DiagnosticReportStatus.fromCode(status));
		report.setCode(new CodeableConcept(new Coding("http://loinc.org", loinc, null)).setText(loinc.equals(POTASSIUM) ? "血清钾" : "血红蛋白"));
		report.setEffective(new DateTimeType(effective));
		report.setIssuedElement(new org.hl7.fhir.r4.model.InstantType(effective));
		report.setPerformer(List.of(new Reference(performer)));
		report.setConclusion(null);
		return report;
	}

	private String send(DiagnosticReport report) {
		return send(report, residentId);
	}

	/** The LIS's transaction: the patient if new, the result, and the report conditional on its identifier. */
	private String send(DiagnosticReport report, String person) {
		Patient patient = example("Patient-wang-xiuying", Patient.class);
		patient.getIdentifier().get(0).setValue(person);
		patient.getIdentifier().remove(1);
		Observation result = example("Observation-potassium-wang-xiuying", Observation.class);
		result.getCode().getCodingFirstRep().setCode(report.getCode().getCodingFirstRep().getCode()).setDisplay(null);
		result.setStatus(Observation.ObservationStatus.fromCode(
				report.getStatus() == DiagnosticReport.DiagnosticReportStatus.PRELIMINARY ? "preliminary"
						: report.getStatus() == DiagnosticReport.DiagnosticReportStatus.ENTEREDINERROR ? "entered-in-error" : "final"));
		result.setEffective(report.getEffective());
		result.setPerformer(List.of(report.getPerformerFirstRep()));
		result.setSubject(new Reference("urn:uuid:0c6a8f1e-3b7d-4e2a-9f5c-1d8e7a6b5c4d"));
		report.setSubject(new Reference("urn:uuid:0c6a8f1e-3b7d-4e2a-9f5c-1d8e7a6b5c4d"));
		report.setResult(List.of(new Reference("urn:uuid:6e2d4c8b-1a3f-4b5e-8c7d-9f0a1b2c3d4e")));
		String identifier = report.getIdentifierFirstRep().getSystem() + "|" + report.getIdentifierFirstRep().getValue();

		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		transaction.addEntry().setFullUrl("urn:uuid:0c6a8f1e-3b7d-4e2a-9f5c-1d8e7a6b5c4d").setResource(patient).getRequest()
				.setMethod(Bundle.HTTPVerb.POST).setUrl("Patient").setIfNoneExist("identifier=" + RESIDENT_ID + "|" + person);
		transaction.addEntry().setFullUrl("urn:uuid:6e2d4c8b-1a3f-4b5e-8c7d-9f0a1b2c3d4e").setResource(result).getRequest()
				.setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
		transaction.addEntry().setResource(report).getRequest()
				.setMethod(Bundle.HTTPVerb.PUT).setUrl("DiagnosticReport?identifier=" + identifier);
		Bundle response = fhir.transaction().withBundle(transaction).execute();
		return new IdType(response.getEntry().get(2).getResponse().getLocation()).toUnqualifiedVersionless().getValue();
	}

	private void decide(String report, String decision, String retestReason) {
		Task task = example("Task-recognition-decision-wang-xiuying", Task.class);
		task.setFocus(new Reference(report));
		task.setFor(fhir.read().resource(DiagnosticReport.class).withUrl(report).execute().getSubject());
		task.setOwner(new Reference(community));
		task.setAuthoredOnElement(new DateTimeType("2026-11-21T09:00:00+08:00"));
		task.getBusinessStatus().getCodingFirstRep().setCode(decision).setDisplay(null);
		if (retestReason != null) {
			task.setReasonCode(new CodeableConcept(new Coding("https://yilian.health/fhir/CodeSystem/yilian-retest-reason", retestReason, null)));
		}
		fhir.create().resource(task).execute();
	}

	/** {@code date}: a day, a time, or null (now). */
	private Parameters recognition(String report, String requester, String date) {
		Parameters in = new Parameters();
		in.addParameter("requester", new StringType(requester));
		if (date != null) {
			in.addParameter("date", new DateTimeType(date));
		}
		return fhir.operation().onInstance(new IdType(report)).named("$recognition").withParameters(in).useHttpGet().execute();
	}

	private Bundle recognizable(String requester, String date) {
		Parameters in = new Parameters();
		in.addParameter("identifier", new StringType(RESIDENT_ID + "|" + residentId));
		in.addParameter("requester", new StringType(requester));
		if (date != null) {
			in.addParameter("date", new DateTimeType(date));
		}
		return fhir.operation().onType(Patient.class).named("$recognizable").withParameters(in)
				.useHttpGet().returnResourceType(Bundle.class).execute();
	}

	private List<String> ids(String search) {
		return fhir.search().byUrl(search).returnBundle(Bundle.class).execute().getEntry().stream()
				.map(e -> e.getResource().getIdElement().toUnqualifiedVersionless().getValue()).toList();
	}

	private static boolean bool(Parameters parameters, String name) {
		return Boolean.parseBoolean(parameters.getParameter(name).getValue().primitiveValue());
	}

	private static List<String> reasons(Parameters parameters) {
		return parameters.getParameter().stream().filter(p -> p.getName().equals("reason"))
				.map(p -> ((CodeableConcept) p.getValue()).getCodingFirstRep().getCode()).toList();
	}

	private static String hrMark(DiagnosticReport report) {
		Extension recognition = report.getExtensionByUrl(RecognitionStamp.RECOGNITION);
		return recognition == null ? null : recognition.getExtensionByUrl("hr-mark").getValue().primitiveValue();
	}
}
