package health.yilian.membership;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import health.yilian.server.ClockConfig;
import health.yilian.server.YilianInterceptor;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.OrganizationAffiliation;
import org.springframework.stereotype.Component;

/**
 * Memberships end by themselves (002 annex, 003): when a member organisation stops being active (legal-person
 * termination, merger, dissolution) every membership of it ends that day; when an alliance stops being active,
 * every membership of it ends. Ended memberships keep their history: they are updated, never deleted, and with
 * them every right that depends on membership (green channel, recognition, brand) ends too.
 */
@Component
public class MembershipEnding implements YilianInterceptor {

	static final String END_REASON = "https://yilian.health/fhir/StructureDefinition/yilian-membership-end-reason";
	static final String END_REASONS = "https://yilian.health/fhir/CodeSystem/yilian-membership-end-reason";

	private final DaoRegistry daoRegistry;
	private final Memberships memberships;
	private final Clock clock;

	public MembershipEnding(DaoRegistry daoRegistry, Memberships memberships, Clock clock) {
		this.daoRegistry = daoRegistry;
		this.memberships = memberships;
		this.clock = clock;
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
	public void organizationUpdated(IBaseResource previous, IBaseResource current, RequestDetails request) {
		if (previous instanceof Organization before && current instanceof Organization after
				&& before.getActive() && !after.getActive()) {
			String organization = after.getIdElement().toUnqualifiedVersionless().getValue();
			LocalDate today = ClockConfig.today(clock);
			end(memberships.of(organization, null), today, "legal-person-terminated", "法人主体终止", request);
			end(memberships.ofAlliance(organization), today, "alliance-dissolved", "医联体解散", request);
		}
	}

	private void end(List<OrganizationAffiliation> all, LocalDate today, String code, String display, RequestDetails request) {
		for (OrganizationAffiliation membership : all) {
			if (!membership.getActive() || !Memberships.inForceOn(membership, today)) {
				continue; // already ended (or suspended): its history stays as it is
			}
			membership.setActive(false);
			membership.getPeriod().setEndElement(new DateTimeType(today.toString()));
			membership.getExtension().removeIf(e -> END_REASON.equals(e.getUrl()));
			membership.addExtension(END_REASON, new CodeableConcept(new Coding(END_REASONS, code, display)));
			daoRegistry.getResourceDao(OrganizationAffiliation.class).update(membership, request);
		}
	}
}
