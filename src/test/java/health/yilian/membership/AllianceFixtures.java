package health.yilian.membership;

import static health.yilian.server.FhirServerTestSupport.example;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.time.LocalDate;
import java.util.UUID;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.OrganizationAffiliation;
import org.hl7.fhir.r4.model.Reference;

/** A fresh alliance per test, built from the guide's examples, so tests never see each other's members. */
public final class AllianceFixtures {

	public static final String BRAND_ACTIONS = "https://yilian.health/fhir/CodeSystem/yilian-brand-action";

	private final IGenericClient fhir;

	public AllianceFixtures(IGenericClient fhir) {
		this.fhir = fhir;
	}

	public String hospital(String example, String name) {
		Organization hospital = example(example, Organization.class);
		hospital.setName(name);
		return create(hospital);
	}

	public String alliance(String lead, String name) {
		Organization alliance = example("Organization-deyang-city-medical-group", Organization.class);
		alliance.setName(name);
		alliance.getIdentifier().clear();
		alliance.getExtensionByUrl("https://yilian.health/fhir/StructureDefinition/yilian-lead-hospital")
				.setValue(new Reference(lead));
		return create(alliance);
	}

	public OrganizationAffiliation membershipDraft(String member, String alliance, LocalDate start) {
		OrganizationAffiliation membership = example("OrganizationAffiliation-membership-deyang-second-peoples-hospital",
				OrganizationAffiliation.class);
		membership.getIdentifierFirstRep().setValue("M-" + UUID.randomUUID());
		membership.getPeriod().setStartElement(new DateTimeType(start.toString()));
		membership.setOrganization(new Reference(alliance));
		membership.setParticipatingOrganization(new Reference(member));
		membership.getNetwork().clear();
		membership.addNetwork(new Reference(alliance));
		return membership;
	}

	public String membership(String member, String alliance, LocalDate start) {
		return create(membershipDraft(member, alliance, start));
	}

	/** The lead's grant to {@code member}: hang the plaque and use the name, from {@code start} to {@code end}. */
	public Consent grantDraft(String lead, String alliance, String member, LocalDate start, LocalDate end) {
		Consent grant = example("Consent-brand-authorization-deyang-second-peoples-hospital", Consent.class);
		grant.setPerformer(java.util.List.of(new Reference(lead)));
		grant.setOrganization(java.util.List.of(new Reference(alliance)));
		grant.getProvision().getPeriod().setStartElement(new DateTimeType(start.toString()))
				.setEndElement(new DateTimeType(end.toString()));
		grant.getProvision().getActorFirstRep().setReference(new Reference(member));
		grant.getProvision().getAction().removeIf(a -> a.getCodingFirstRep().getCode().equals("use-name-in-alliance-business"));
		return grant;
	}

	public String grant(String lead, String alliance, String member, LocalDate start, LocalDate end) {
		return create(grantDraft(lead, alliance, member, start, end));
	}

	public static Coding brandAction(String code) {
		return new Coding(BRAND_ACTIONS, code, null);
	}

	private String create(org.hl7.fhir.r4.model.Resource resource) {
		return fhir.create().resource(resource).execute().getId().toUnqualifiedVersionless().getValue();
	}
}
