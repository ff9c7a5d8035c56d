package health.yilian.sharing;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceOrListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import health.yilian.membership.Memberships;
import java.time.LocalDate;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Organization;
import org.springframework.stereotype.Component;

/**
 * Whether a patient's records may be shared inside an alliance on a day: the alliance's mode
 * ({@code yilian-sharing-policy}: opt-out shares unless the patient said no, opt-in only after the patient said yes;
 * opt-out when the alliance states none) and the patient's latest {@code yilian-sharing-consent} for that alliance
 * in force on the day. A patient known to several hospitals has several Patient records; their consents all count.
 */
@Component
public class SharingConsents {

	public static final String POLICY = "https://yilian.health/fhir/StructureDefinition/yilian-sharing-policy";
	static final String KIND = "https://yilian.health/fhir/CodeSystem/yilian-consent-kind";

	private final IFhirResourceDao<Consent> consents;

	public SharingConsents(DaoRegistry daoRegistry) {
		this.consents = daoRegistry.getResourceDao(Consent.class);
	}

	public boolean permits(Collection<String> patients, Organization alliance, LocalDate day) {
		String allianceId = alliance.getIdElement().toUnqualifiedVersionless().getValue();
		SearchParameterMap search = SearchParameterMap.newSynchronous();
		ReferenceOrListParam anyOf = new ReferenceOrListParam();
		patients.forEach(p -> anyOf.addOr(new ReferenceParam(p)));
		search.add(Consent.SP_PATIENT, anyOf);
		search.add(Consent.SP_CATEGORY, new TokenParam(KIND, "alliance-sharing"));
		Optional<Consent> latest = consents.search(search, new SystemRequestDetails()).getAllResources().stream()
				.map(Consent.class::cast)
				.filter(c -> c.getStatus() == Consent.ConsentState.ACTIVE)
				.filter(c -> c.getOrganization().stream().anyMatch(o -> allianceId.equals(o.getReference())))
				.filter(c -> inForce(c, day))
				.max(Comparator.comparing(Consent::getDateTime));
		boolean optIn = alliance.getExtensionByUrl(POLICY) != null
				&& "opt-in".equals(alliance.getExtensionByUrl(POLICY).getValue().primitiveValue());
		return latest.map(c -> c.getProvision().getType() == Consent.ConsentProvisionType.PERMIT).orElse(!optIn);
	}

	private static boolean inForce(Consent consent, LocalDate day) {
		var period = consent.getProvision().getPeriod();
		return Memberships.day(consent.getDateTimeElement()).map(d -> !day.isBefore(d)).orElse(true)
				&& Memberships.day(period.getStartElement()).map(s -> !day.isBefore(s)).orElse(true)
				&& Memberships.day(period.getEndElement()).map(e -> !day.isAfter(e)).orElse(true);
	}
}
