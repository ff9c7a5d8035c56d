package health.yilian.branding;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.Comparator;
import java.util.List;
import org.hl7.fhir.r4.model.Consent;
import org.springframework.stereotype.Component;

/** The brand grants (Consent {@code yilian-brand-authorization}) of one alliance to one organisation. */
@Component
public class BrandGrants {

	static final String CONSENT_KIND = "https://yilian.health/fhir/CodeSystem/yilian-consent-kind";
	static final String BRAND_AUTHORIZATION = "brand-authorization";

	private final DaoRegistry daoRegistry;

	public BrandGrants(DaoRegistry daoRegistry) {
		this.daoRegistry = daoRegistry;
	}

	/** Newest first (by the grant's date), so the current grant or the latest revocation comes first. */
	public List<Consent> of(String grantee, String alliance) {
		SearchParameterMap search = SearchParameterMap.newSynchronous();
		search.add(Consent.SP_ACTOR, new ReferenceParam(grantee));
		search.add(Consent.SP_ORGANIZATION, new ReferenceParam(alliance));
		search.add(Consent.SP_CATEGORY, new TokenParam(CONSENT_KIND, BRAND_AUTHORIZATION));
		return daoRegistry.getResourceDao(Consent.class).search(search, new SystemRequestDetails()).getAllResources()
				.stream()
				.map(Consent.class::cast)
				.sorted(Comparator.comparing(Consent::getDateTime, Comparator.nullsLast(Comparator.reverseOrder())))
				.toList();
	}

	public static boolean isBrandGrant(Consent consent) {
		return consent.getCategory().stream().flatMap(c -> c.getCoding().stream())
				.anyMatch(c -> CONSENT_KIND.equals(c.getSystem()) && BRAND_AUTHORIZATION.equals(c.getCode()));
	}
}
