package health.yilian.branding;

import static health.yilian.server.RuleViolation.refuse;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import health.yilian.membership.Memberships;
import health.yilian.server.WriteRule;
import java.time.LocalDate;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.OrganizationAffiliation;
import org.springframework.stereotype.Component;

/**
 * Who may be granted the alliance brand, by whom, for how long (002 §7.2.2 and annex, 004 art.19.4, agreement
 * §4.2.7), checked on every write of an active grant: the grantor is the alliance's lead hospital, the grantee is a
 * member when the grant starts, and the grant does not outlast the membership's term. Uses that can never be
 * granted (licence registration, medical documents, seals, invoices, accounts, advertising in the lead's name) are
 * refused by the profile's required binding on the permitted actions.
 */
@Component
public class BrandGrantRules extends WriteRule {


	private final DaoRegistry daoRegistry;
	private final Memberships memberships;

	public BrandGrantRules(DaoRegistry daoRegistry, Memberships memberships) {
		this.daoRegistry = daoRegistry;
		this.memberships = memberships;
	}

	private String leadHospitalOf(String alliance) {
		try {
			Optional<String> lead = Memberships.leadOf(daoRegistry.getResourceDao(Organization.class)
					.read(new IdType(alliance), new SystemRequestDetails()));
			if (lead.isPresent()) {
				return lead.get();
			}
		} catch (ResourceNotFoundException | ResourceGoneException e) {
			// refused below, like an organisation that is not an alliance
		}
		throw refuse("yl-brand-alliance", "Consent.organization",
				alliance + " is not an alliance with a lead hospital: name the alliance whose brand is granted");
	}

	@Override
	protected void check(IBaseResource resource, RequestDetails request, TransactionDetails transaction) {
		if (!(resource instanceof Consent grant) || !BrandGrants.isBrandGrant(grant)
				|| grant.getStatus() != Consent.ConsentState.ACTIVE || !grant.hasOrganization()
				|| !grant.getProvision().hasActor() || !grant.getProvision().getPeriod().hasStart()) {
			return; // revocations and drafts are not grants; missing elements are the profile's to report
		}
		String alliance = grant.getOrganizationFirstRep().getReference();
		String grantee = grant.getProvision().getActorFirstRep().getReference().getReference();
		String lead = leadHospitalOf(alliance);
		if (!grant.getPerformerFirstRep().getReference().equals(lead)) {
			throw refuse("yl-brand-grantor-lead", "Consent.performer", "only the lead hospital of " + alliance
					+ " (" + lead + ") grants its brand, not " + grant.getPerformerFirstRep().getReference());
		}
		LocalDate start = Memberships.day(grant.getProvision().getPeriod().getStartElement()).orElseThrow();
		OrganizationAffiliation membership = memberships.activeOn(grantee, alliance, start).orElseThrow(() -> refuse(
				"yl-brand-grantee-member", "Consent.provision.actor",
				grantee + " is not a member of " + alliance + " on " + start + ": the brand is granted to members only"));
		Memberships.day(membership.getPeriod().getEndElement()).ifPresent(termEnd ->
				Memberships.day(grant.getProvision().getPeriod().getEndElement())
						.filter(grantEnd -> grantEnd.isAfter(termEnd))
						.ifPresent(grantEnd -> {
							throw refuse("yl-brand-within-term", "Consent.provision.period.end", "the grant runs to "
									+ grantEnd + " but the membership ends on " + termEnd + ": end the grant by then");
						}));
	}
}
