package health.yilian.referral;

import static health.yilian.server.RuleViolation.refuse;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import health.yilian.guide.YilianGuide;
import health.yilian.membership.Memberships;
import health.yilian.server.ClockConfig;
import health.yilian.server.WriteRule;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.springframework.stereotype.Component;

/**
 * A two-way referral (000 art.21, 002 §3.2.5, 003) is made only between organisations that are both active members
 * of one alliance on the day it is made, and its direction must be the one the grades give ({@link ReferralDirection}).
 */
@Component
public class ReferralRules extends WriteRule {

	static final String DIRECTIONS = YilianGuide.CANONICAL + "/CodeSystem/yilian-referral-direction";
	static final String ALLIANCE_KINDS = YilianGuide.CANONICAL + "/CodeSystem/yilian-alliance-kind";
	private static final Set<String> LATERAL_ALLIANCES = Set.of("specialty-alliance", "horizontal-alliance");

	private final DaoRegistry daoRegistry;
	private final Memberships memberships;
	private final ReferralDirection direction;

	public ReferralRules(DaoRegistry daoRegistry, Memberships memberships, ReferralDirection direction) {
		this.daoRegistry = daoRegistry;
		this.memberships = memberships;
		this.direction = direction;
	}

	@Override
	protected void check(IBaseResource resource, RequestDetails request, TransactionDetails transaction) {
		if (!(resource instanceof ServiceRequest referral) || !isReferral(referral)
				|| referral.getStatus() != ServiceRequest.ServiceRequestStatus.ACTIVE
				|| !referral.hasAuthoredOn() || !referral.hasRequester() || !referral.hasPerformer()) {
			return; // drafts, closed referrals and missing elements (the profile's) are not checked here
		}
		LocalDate day = referral.getAuthoredOnElement().getValue().toInstant().atZone(ClockConfig.CHINA).toLocalDate();
		Organization from = organizationOf(referral.getRequester());
		Organization to = organizationOf(referral.getPerformerFirstRep());
		List<String> alliances = memberships.sharedAlliances(id(from), id(to), day);
		if (alliances.isEmpty()) {
			throw refuse("yl-referral-members", "ServiceRequest.performer", from.getName() + " and " + to.getName()
					+ " are not both active members of one alliance on " + day
					+ ": referrals and the green channel are for members only (check their memberships)");
		}
		Set<String> allowed = new TreeSet<>();
		for (String alliance : alliances) {
			allowed.addAll(direction.allowed(from, to, isLateralAlliance(alliance)));
		}
		String stated = referral.getCategory().stream().flatMap(c -> c.getCoding().stream())
				.filter(c -> DIRECTIONS.equals(c.getSystem())).map(c -> c.getCode()).findFirst().orElse(null);
		if (stated != null && !allowed.isEmpty() && !allowed.contains(stated)) {
			throw refuse("yl-referral-direction", "ServiceRequest.category", "a referral from " + from.getName()
					+ " to " + to.getName() + " is " + String.join(" or ", allowed) + " by their grades, not " + stated);
		}
	}

	static boolean isReferral(ServiceRequest request) {
		return request.getCategory().stream().flatMap(c -> c.getCoding().stream()).anyMatch(c -> DIRECTIONS.equals(c.getSystem()));
	}

	private boolean isLateralAlliance(String alliance) {
		return read(alliance).getType().stream().flatMap(t -> t.getCoding().stream())
				.anyMatch(c -> ALLIANCE_KINDS.equals(c.getSystem()) && LATERAL_ALLIANCES.contains(c.getCode()));
	}

	private Organization organizationOf(Reference reference) {
		IdType id = new IdType(reference.getReference());
		if ("PractitionerRole".equals(id.getResourceType())) {
			PractitionerRole role = daoRegistry.getResourceDao(PractitionerRole.class).read(id, new SystemRequestDetails());
			return read(role.getOrganization().getReference());
		}
		return read(reference.getReference());
	}

	private Organization read(String reference) {
		return daoRegistry.getResourceDao(Organization.class).read(new IdType(reference), new SystemRequestDetails());
	}

	private static String id(Organization organization) {
		return organization.getIdElement().toUnqualifiedVersionless().getValue();
	}
}
