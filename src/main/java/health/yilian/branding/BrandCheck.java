package health.yilian.branding;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import health.yilian.guide.YilianGuide;
import health.yilian.membership.Memberships;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Type;
import org.springframework.stereotype.Component;

/**
 * "May this organisation use this alliance's brand for this purpose on this day, and if not, why?" The answer
 * follows the order a lead hospital would reason in: a use that can never be granted; an organisation that no
 * longer exists; no grant at all; a grant revoked, not yet valid or expired; a membership that has ended; a grant
 * that does not cover this use. Reasons are codes of {@code yilian-brand-check-reason}.
 */
@Component
public class BrandCheck {

	public record Answer(boolean permitted, String reason, String text, Optional<Consent> authorization) {}

	static final String BRAND_ACTIONS = "https://yilian.health/fhir/CodeSystem/yilian-brand-action";

	private final DaoRegistry daoRegistry;
	private final Memberships memberships;
	private final BrandGrants grants;
	private final Map<String, Type> grantable;

	public BrandCheck(DaoRegistry daoRegistry, Memberships memberships, BrandGrants grants, YilianGuide guide) {
		this.daoRegistry = daoRegistry;
		this.memberships = memberships;
		this.grants = grants;
		this.grantable = guide.conceptProperty(BRAND_ACTIONS, "grantable");
	}

	public Answer check(String organization, String alliance, String action, LocalDate day, LocalDate today) {
		Type mayBeGranted = grantable.get(action);
		if (mayBeGranted == null) {
			throw new InvalidRequestException("action: '" + action + "' is not a code of " + BRAND_ACTIONS
					+ "; use one of " + grantable.keySet());
		}
		if (!((BooleanType) mayBeGranted).booleanValue()) {
			return new Answer(false, "action-never-grantable",
					"「" + action + "」不得授权：医联体名称和牌匾不得用于执业登记、医疗文书、印章、票据、账户或以牵头医院名义做广告 / this use can never be granted",
					Optional.empty());
		}
		Organization member = daoRegistry.getResourceDao(Organization.class).read(new IdType(organization), new SystemRequestDetails());
		if (!member.getActive() && !day.isBefore(today)) {
			return new Answer(false, "member-inactive", organization + " 已终止（active=false），品牌使用权随之终止 / is no longer active", Optional.empty());
		}
		List<Consent> all = grants.of(organization, alliance);
		if (all.isEmpty()) {
			return new Answer(false, "no-grant", organization + " 未获 " + alliance + " 品牌授权 / has no grant", Optional.empty());
		}
		Optional<Consent> covering = all.stream()
				.filter(g -> g.getStatus() == Consent.ConsentState.ACTIVE && covers(g, day)).findFirst();
		if (covering.isEmpty()) {
			Consent latest = all.get(0);
			if (latest.getStatus() != Consent.ConsentState.ACTIVE) {
				return new Answer(false, "revoked", "授权已撤销 / the grant was revoked" + revocationReason(latest), Optional.of(latest));
			}
			boolean early = Memberships.day(latest.getProvision().getPeriod().getStartElement()).map(day::isBefore).orElse(false);
			return early
					? new Answer(false, "not-yet-valid", "授权自 " + latest.getProvision().getPeriod().getStartElement().getValueAsString() + " 起生效 / not yet valid", Optional.of(latest))
					: new Answer(false, "expired", "授权已于 " + latest.getProvision().getPeriod().getEndElement().getValueAsString() + " 到期 / expired", Optional.of(latest));
		}
		Consent grant = covering.get();
		if (memberships.activeOn(organization, alliance, day).isEmpty()) {
			return new Answer(false, "membership-ended", organization + " 在 " + day + " 已非 " + alliance + " 成员 / the membership has ended", Optional.of(grant));
		}
		boolean denied = grant.getProvision().getProvision().stream()
				.anyMatch(p -> p.getType() == Consent.ConsentProvisionType.DENY && hasAction(p, action));
		if (denied || !hasAction(grant.getProvision(), action)) {
			return new Answer(false, "action-denied", "授权不含此用途 / the grant does not permit " + action, Optional.of(grant));
		}
		return new Answer(true, "permitted", "已获授权 / permitted by " + grant.getIdElement().toUnqualifiedVersionless().getValue(), Optional.of(grant));
	}

	private static boolean covers(Consent grant, LocalDate day) {
		var period = grant.getProvision().getPeriod();
		return Memberships.day(period.getStartElement()).map(s -> !day.isBefore(s)).orElse(false)
				&& Memberships.day(period.getEndElement()).map(e -> !day.isAfter(e)).orElse(true);
	}

	private static boolean hasAction(Consent.ProvisionComponent provision, String action) {
		return provision.getAction().stream().flatMap(a -> a.getCoding().stream())
				.anyMatch(c -> BRAND_ACTIONS.equals(c.getSystem()) && action.equals(c.getCode()));
	}

	private static String revocationReason(Consent grant) {
		var reason = grant.getExtensionByUrl("https://yilian.health/fhir/StructureDefinition/yilian-revocation-reason");
		return reason == null ? "" : "：" + reason.getValue().primitiveValue();
	}
}
