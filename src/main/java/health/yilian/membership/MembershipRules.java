package health.yilian.membership;

import static health.yilian.server.RuleViolation.refuse;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import health.yilian.server.WriteRule;
import java.time.LocalDate;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.OrganizationAffiliation;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.stereotype.Component;

/**
 * Rules of membership (seed 000 ch.2, 004 ch.2 and agreement §7) checked on every write of a membership:
 * the member and the alliance exist, and a member holds at most one membership of an alliance at a time.
 * The term's shape (start before end, a reason exactly when ended) is the profile's.
 */
@Component
public class MembershipRules extends WriteRule {

	private final DaoRegistry daoRegistry;
	private final Memberships memberships;

	public MembershipRules(DaoRegistry daoRegistry, Memberships memberships) {
		this.daoRegistry = daoRegistry;
		this.memberships = memberships;
	}

	@Override
	protected void check(IBaseResource resource, RequestDetails request, TransactionDetails transaction) {
		if (!(resource instanceof OrganizationAffiliation membership)) {
			return;
		}
		requireOrganization(membership.getParticipatingOrganization(), "OrganizationAffiliation.participatingOrganization", "member", transaction);
		membership.getNetwork().forEach(n -> requireOrganization(n, "OrganizationAffiliation.network", "alliance", transaction));
		if (!membership.hasNetwork() || !membership.hasParticipatingOrganization()) {
			return; // the profile reports the missing element
		}
		String member = membership.getParticipatingOrganization().getReference();
		String alliance = membership.getNetworkFirstRep().getReference();
		String self = membership.getIdElement().toUnqualifiedVersionless().getIdPart();
		for (OrganizationAffiliation other : memberships.of(member, alliance)) {
			if (!other.getIdElement().getIdPart().equals(self) && overlaps(membership, other)) {
				throw refuse("yl-membership-overlap", "OrganizationAffiliation.period",
						member + " is already a member of " + alliance + " from "
								+ other.getPeriod().getStartElement().getValueAsString() + " ("
								+ other.getIdElement().toUnqualifiedVersionless().getValue()
								+ "): end that membership first, or update it instead of adding another");
			}
		}
	}

	private static boolean overlaps(OrganizationAffiliation a, OrganizationAffiliation b) {
		if (!counts(a) || !counts(b)) {
			return false;
		}
		LocalDate aStart = Memberships.day(a.getPeriod().getStartElement()).orElse(LocalDate.MIN);
		LocalDate bStart = Memberships.day(b.getPeriod().getStartElement()).orElse(LocalDate.MIN);
		LocalDate aEnd = Memberships.day(a.getPeriod().getEndElement()).orElse(LocalDate.MAX);
		LocalDate bEnd = Memberships.day(b.getPeriod().getEndElement()).orElse(LocalDate.MAX);
		return !aStart.isAfter(bEnd) && !bStart.isAfter(aEnd);
	}

	/** An active membership, or a past one with its term; a suspended one (inactive, no end) claims no term. */
	private static boolean counts(OrganizationAffiliation m) {
		return m.getActive() || m.getPeriod().hasEnd();
	}

	private void requireOrganization(Reference reference, String element, String role, TransactionDetails transaction) {
		if (reference == null || !reference.hasReference()) {
			return;
		}
		IdType id = new IdType(reference.getReference());
		Optional<String> problem = Optional.empty();
		if (!"Organization".equals(id.getResourceType())) {
			problem = Optional.of("must reference an Organization");
		} else if (transaction == null || transaction.getResolvedResourceId(id) == null) {
			// Written earlier in the same transaction counts as existing (HAPI has resolved it); otherwise read it.
			try {
				daoRegistry.getResourceDao(Organization.class).read(id, new SystemRequestDetails());
			} catch (ResourceNotFoundException | ResourceGoneException e) {
				problem = Optional.of("does not exist: create the " + role + " organisation first");
			}
		}
		problem.ifPresent(p -> {
			throw refuse("yl-membership-" + role + "-exists", element, reference.getReference() + " " + p);
		});
	}
}
