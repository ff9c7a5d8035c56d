package health.yilian.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import health.yilian.server.FhirServerTestSupport;
import health.yilian.server.TestClock;
import java.time.LocalDate;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.OrganizationAffiliation;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Who is in the alliance, since when, and how membership ends (seeds 000 ch.2, 002 §6, 003, 004 ch.2). */
class MembershipTest extends FhirServerTestSupport {

	private AllianceFixtures fixtures;
	private String lead;
	private String alliance;
	private String member;

	@BeforeEach
	void anAllianceWithALeadAndAMember() {
		fixtures = new AllianceFixtures(fhir);
		lead = fixtures.hospital("Organization-deyang-peoples-hospital", "绵竹市人民医院");
		alliance = fixtures.alliance(lead, "绵竹市医共体");
		member = fixtures.hospital("Organization-chengbei-community-health-centre", "绵竹市剑南镇卫生院");
		fixtures.membership(lead, alliance, LocalDate.of(2024, 1, 1));
	}

	@Test
	void anActiveMemberIsFoundByOrdinarySearch() {
		String membership = fixtures.membership(member, alliance, LocalDate.of(2025, 3, 1));

		assertThat(activeMembers("2026-11-22")).containsExactly(membership);
		assertThat(activeMembers("2025-02-28")).isEmpty();
	}

	@Test
	void aMembershipForAnOrganisationThatDoesNotExistIsRefused() {
		assertThatThrownBy(() -> fixtures.membership("Organization/no-such-hospital", alliance, LocalDate.of(2025, 3, 1)))
				.isInstanceOf(UnprocessableEntityException.class)
				.hasMessageContaining("yl-membership-member-exists");
	}

	@Test
	void aSecondOverlappingMembershipOfTheSameMemberIsRefused() {
		fixtures.membership(member, alliance, LocalDate.of(2025, 3, 1));

		assertThatThrownBy(() -> fixtures.membership(member, alliance, LocalDate.of(2026, 1, 1)))
				.isInstanceOf(UnprocessableEntityException.class)
				.hasMessageContaining("yl-membership-overlap");
	}

	@Test
	void aNewTermAfterAnEndedOneIsAccepted() {
		OrganizationAffiliation first = fixtures.membershipDraft(member, alliance, LocalDate.of(2020, 1, 1));
		first.setActive(false);
		first.getPeriod().setEndElement(new org.hl7.fhir.r4.model.DateTimeType("2022-12-31"));
		first.addExtension(MembershipEnding.END_REASON, new org.hl7.fhir.r4.model.CodeableConcept(
				new org.hl7.fhir.r4.model.Coding(MembershipEnding.END_REASONS, "term-expired", "协议期满")));
		fhir.create().resource(first).execute();

		assertThat(fixtures.membership(member, alliance, LocalDate.of(2023, 1, 1))).isNotBlank();
	}

	@Test
	void aMemberThatStopsBeingActiveLosesEveryMembershipThatDay() {
		String other = fixtures.alliance(lead, "德阳市胸痛专科联盟");
		fixtures.membership(member, alliance, LocalDate.of(2025, 3, 1));
		fixtures.membership(member, other, LocalDate.of(2025, 6, 1));
		clock.setDay(LocalDate.of(2026, 12, 1));

		Organization organization = fhir.read().resource(Organization.class).withUrl(member).execute();
		organization.setActive(false);
		fhir.update().resource(organization).execute();

		List<OrganizationAffiliation> ended = membershipsOf(member);
		assertThat(ended).hasSize(2).allSatisfy(m -> {
			assertThat(m.getActive()).isFalse();
			assertThat(m.getPeriod().getEndElement().getValueAsString()).isEqualTo("2026-12-01");
			assertThat(m.getExtensionByUrl(MembershipEnding.END_REASON).getValue().toString()).isNotNull();
			assertThat(((org.hl7.fhir.r4.model.CodeableConcept) m.getExtensionByUrl(MembershipEnding.END_REASON).getValue())
					.getCodingFirstRep().getCode()).isEqualTo("legal-person-terminated");
		});
		assertThat(activeMembers("2026-12-02")).isEmpty();
	}

	@Test
	void whenTheAllianceEndsAllItsMembershipsEnd() {
		fixtures.membership(member, alliance, LocalDate.of(2025, 3, 1));

		Organization dissolved = fhir.read().resource(Organization.class).withUrl(alliance).execute();
		dissolved.setActive(false);
		fhir.update().resource(dissolved).execute();

		Bundle all = fhir.search().forResource(OrganizationAffiliation.class)
				.where(OrganizationAffiliation.NETWORK.hasId(alliance)).returnBundle(Bundle.class).execute();
		assertThat(all.getEntry()).hasSize(2).allSatisfy(e -> {
			OrganizationAffiliation m = (OrganizationAffiliation) e.getResource();
			assertThat(m.getActive()).isFalse();
			assertThat(m.getPeriod().getEndElement().getValueAsString()).isEqualTo(TestClock.TODAY.toString());
		});
	}

	@Test
	void membersWhoseDepartmentFailedQualityControlAreListedForTheLead() {
		fixtures.membership(member, alliance, LocalDate.of(2025, 3, 1));
		Organization lab = health.yilian.server.FhirServerTestSupport.example("Organization-deyang-peoples-hospital-lab", Organization.class);
		lab.setPartOf(new org.hl7.fhir.r4.model.Reference(member));
		lab.getIdentifierFirstRep().setValue(unique("LAB-"));
		lab.getExtensionByUrl("http://hl7.org/fhir/5.0/StructureDefinition/extension-Organization.qualification")
				.getExtensionByUrl("https://yilian.health/fhir/StructureDefinition/yilian-qc-status")
				.setValue(new org.hl7.fhir.r4.model.CodeType("failed"));
		fhir.create().resource(lab).execute();

		Bundle flagged = fhir.search().byUrl("Organization?_has:Organization:partof:qc-status=failed"
						+ "&_has:OrganizationAffiliation:participating-organization:network=" + alliance)
				.returnBundle(Bundle.class).execute();

		assertThat(flagged.getEntry()).extracting(e -> e.getResource().getIdElement().toUnqualifiedVersionless().getValue())
				.containsExactly(member);
	}

	private List<String> activeMembers(String date) {
		Bundle found = fhir.search().forResource(OrganizationAffiliation.class)
				.where(OrganizationAffiliation.PARTICIPATING_ORGANIZATION.hasId(member))
				.and(OrganizationAffiliation.NETWORK.hasId(alliance))
				.and(OrganizationAffiliation.DATE.beforeOrEquals().day(date))
				.and(OrganizationAffiliation.DATE.afterOrEquals().day(date))
				.and(OrganizationAffiliation.ACTIVE.exactly().code("true"))
				.returnBundle(Bundle.class).execute();
		return found.getEntry().stream().map(e -> e.getResource().getIdElement().toUnqualifiedVersionless().getValue()).toList();
	}

	private List<OrganizationAffiliation> membershipsOf(String organization) {
		Bundle found = fhir.search().forResource(OrganizationAffiliation.class)
				.where(OrganizationAffiliation.PARTICIPATING_ORGANIZATION.hasId(organization))
				.returnBundle(Bundle.class).execute();
		return found.getEntry().stream().map(e -> (OrganizationAffiliation) e.getResource()).toList();
	}
}
