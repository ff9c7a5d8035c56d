package health.yilian.branding;

import static health.yilian.membership.AllianceFixtures.brandAction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import health.yilian.membership.AllianceFixtures;
import health.yilian.server.FhirServerTestSupport;
import health.yilian.server.TestClock;
import java.time.LocalDate;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Who may hang the alliance plaque or use its name, for what, until when (002 §7 and annex, 004 §4.2.7). */
class BrandRightsTest extends FhirServerTestSupport {

	private static final LocalDate TODAY = TestClock.TODAY;

	private AllianceFixtures fixtures;
	private String lead;
	private String alliance;
	private String member;

	@BeforeEach
	void anAllianceWhoseLeadGrantsItsPlaqueToAMember() {
		fixtures = new AllianceFixtures(fhir);
		lead = fixtures.hospital("Organization-deyang-peoples-hospital", "广汉市人民医院");
		alliance = fixtures.alliance(lead, "广汉市城市医疗集团");
		member = fixtures.hospital("Organization-deyang-second-peoples-hospital", "广汉市中医医院");
		fixtures.membership(lead, alliance, LocalDate.of(2024, 1, 1));
		fixtures.membership(member, alliance, LocalDate.of(2024, 3, 1));
	}

	@Test
	void aGrantThatEndsTodayIsValidTodayAndNotTomorrow() {
		String grant = fixtures.grant(lead, alliance, member, LocalDate.of(2025, 1, 1), TODAY);

		Parameters today = brandCheck(member, "hang-plaque", null);
		clock.setDay(TODAY.plusDays(1));
		Parameters tomorrow = brandCheck(member, "hang-plaque", null);

		assertThat(permitted(today)).isTrue();
		assertThat(reason(today)).isEqualTo("permitted");
		assertThat(((Reference) today.getParameterValue("authorization")).getReference()).isEqualTo(grant);
		assertThat(permitted(tomorrow)).isFalse();
		assertThat(reason(tomorrow)).isEqualTo("expired");
	}

	@Test
	void aGrantIsNotValidBeforeItStarts() {
		fixtures.grant(lead, alliance, member, TODAY.plusDays(10), TODAY.plusYears(1));

		assertThat(reason(brandCheck(member, "hang-plaque", null))).isEqualTo("not-yet-valid");
		assertThat(reason(brandCheck(member, "hang-plaque", TODAY.plusDays(10)))).isEqualTo("permitted");
	}

	@Test
	void aMemberMadeInactiveLosesItsPlaqueTheSameDay() {
		fixtures.grant(lead, alliance, member, LocalDate.of(2025, 1, 1), LocalDate.of(2027, 12, 31));
		assertThat(permitted(brandCheck(member, "hang-plaque", null))).isTrue();

		Organization merged = fhir.read().resource(Organization.class).withUrl(member).execute();
		merged.setActive(false);
		fhir.update().resource(merged).execute();

		Parameters sameDay = brandCheck(member, "hang-plaque", null);
		assertThat(permitted(sameDay)).isFalse();
		assertThat(reason(sameDay)).isEqualTo("member-inactive");
	}

	@Test
	void theGrantEndsWithTheMembership() {
		fixtures.grant(lead, alliance, member, LocalDate.of(2025, 1, 1), LocalDate.of(2027, 12, 31));
		org.hl7.fhir.r4.model.Bundle memberships = fhir.search().forResource(org.hl7.fhir.r4.model.OrganizationAffiliation.class)
				.where(org.hl7.fhir.r4.model.OrganizationAffiliation.PARTICIPATING_ORGANIZATION.hasId(member))
				.returnBundle(org.hl7.fhir.r4.model.Bundle.class).execute();
		org.hl7.fhir.r4.model.OrganizationAffiliation withdrawal =
				(org.hl7.fhir.r4.model.OrganizationAffiliation) memberships.getEntryFirstRep().getResource();
		withdrawal.setActive(false);
		withdrawal.getPeriod().setEndElement(new org.hl7.fhir.r4.model.DateTimeType(TODAY.toString()));
		withdrawal.addExtension("https://yilian.health/fhir/StructureDefinition/yilian-membership-end-reason",
				new CodeableConcept(new org.hl7.fhir.r4.model.Coding(
						"https://yilian.health/fhir/CodeSystem/yilian-membership-end-reason", "withdrawal", "主动退出")));
		fhir.update().resource(withdrawal).execute();

		assertThat(reason(brandCheck(member, "hang-plaque", TODAY))).isEqualTo("permitted");
		assertThat(reason(brandCheck(member, "hang-plaque", TODAY.plusDays(1)))).isEqualTo("membership-ended");
	}

	@Test
	void aRevokedGrantPermitsNothingAndSaysWhy() {
		String id = fixtures.grant(lead, alliance, member, LocalDate.of(2025, 1, 1), LocalDate.of(2027, 12, 31));
		Consent grant = fhir.read().resource(Consent.class).withUrl(id).execute();
		grant.setStatus(Consent.ConsentState.INACTIVE);
		grant.addExtension("https://yilian.health/fhir/StructureDefinition/yilian-revocation-reason",
				new StringType("未经授权以牵头医院名义发布广告"));
		fhir.update().resource(grant).execute();

		Parameters answer = brandCheck(member, "hang-plaque", null);
		assertThat(permitted(answer)).isFalse();
		assertThat(reason(answer)).isEqualTo("revoked");
		assertThat(((CodeableConcept) answer.getParameterValue("reason")).getText()).contains("未经授权以牵头医院名义发布广告");
	}

	@Test
	void aUseTheGrantDoesNotCoverIsDeniedAndAUseNeverGrantableIsSaidToBeSo() {
		fixtures.grant(lead, alliance, member, LocalDate.of(2025, 1, 1), LocalDate.of(2027, 12, 31));

		assertThat(reason(brandCheck(member, "use-name-in-alliance-business", null))).isEqualTo("action-denied");
		assertThat(reason(brandCheck(member, "seals", null))).isEqualTo("action-never-grantable");
	}

	@Test
	void anOrganisationWithoutAGrantIsToldSo() {
		String outsider = fixtures.hospital("Organization-chengbei-community-health-centre", "什邡市某民营医院");

		Parameters answer = brandCheck(outsider, "hang-plaque", null);
		assertThat(permitted(answer)).isFalse();
		assertThat(reason(answer)).isEqualTo("no-grant");
		assertThat(answer.getParameter("authorization")).isNull();
	}

	@Test
	void grantingANonMemberIsRefused() {
		String outsider = fixtures.hospital("Organization-chengbei-community-health-centre", "什邡市某民营医院");

		assertThatThrownBy(() -> fixtures.grant(lead, alliance, outsider, TODAY, TODAY.plusYears(1)))
				.isInstanceOf(UnprocessableEntityException.class)
				.hasMessageContaining("yl-brand-grantee-member");
	}

	@Test
	void aGrantMustNameAnAllianceWithALeadHospital() {
		assertThatThrownBy(() -> fixtures.grant(lead, member, member, TODAY, TODAY.plusYears(1)))
				.isInstanceOf(UnprocessableEntityException.class)
				.hasMessageContaining("yl-brand-alliance");
	}

	@Test
	void onlyTheLeadHospitalGrants() {
		assertThatThrownBy(() -> fixtures.grant(member, alliance, member, TODAY, TODAY.plusYears(1)))
				.isInstanceOf(UnprocessableEntityException.class)
				.hasMessageContaining("yl-brand-grantor-lead");
	}

	@Test
	void aGrantMayNotOutlastTheMembershipsTerm() {
		String shortTermMember = fixtures.hospital("Organization-chengbei-community-health-centre", "广汉市雒城镇卫生院");
		org.hl7.fhir.r4.model.OrganizationAffiliation term = fixtures.membershipDraft(shortTermMember, alliance, LocalDate.of(2025, 1, 1));
		term.getPeriod().setEndElement(new org.hl7.fhir.r4.model.DateTimeType("2027-06-30"));
		term.addExtension("https://yilian.health/fhir/StructureDefinition/yilian-membership-end-reason",
				new CodeableConcept(new org.hl7.fhir.r4.model.Coding(
						"https://yilian.health/fhir/CodeSystem/yilian-membership-end-reason", "term-expired", "协议期满")));
		fhir.create().resource(term).execute();

		assertThatThrownBy(() -> fixtures.grant(lead, alliance, shortTermMember, TODAY, LocalDate.of(2027, 12, 31)))
				.isInstanceOf(UnprocessableEntityException.class)
				.hasMessageContaining("yl-brand-within-term");
	}

	@Test
	void grantingAUseThatIsNeverGrantableIsRefusedAtWriteTime() {
		Consent sealGrant = fixtures.grantDraft(lead, alliance, member, TODAY, TODAY.plusYears(1));
		sealGrant.getProvision().addAction().addCoding(brandAction("seals"));

		assertThatThrownBy(() -> fhir.create().resource(sealGrant).execute())
				.isInstanceOf(UnprocessableEntityException.class)
				.hasMessageContaining("yilian-grantable-brand-action");
	}

	private Parameters brandCheck(String organization, String action, LocalDate date) {
		Parameters in = new Parameters();
		in.addParameter().setName("alliance").setValue(new StringType(alliance));
		in.addParameter().setName("action").setValue(new CodeType(action));
		if (date != null) {
			in.addParameter().setName("date").setValue(new DateType(date.toString()));
		}
		return fhir.operation().onInstance(organization).named("$brand-check").withParameters(in).useHttpGet().execute();
	}

	private static boolean permitted(Parameters answer) {
		return ((BooleanType) answer.getParameterValue("permitted")).booleanValue();
	}

	private static String reason(Parameters answer) {
		return ((CodeableConcept) answer.getParameterValue("reason")).getCodingFirstRep().getCode();
	}
}
