package health.yilian.membership;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.OrganizationAffiliation;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.stereotype.Component;

/**
 * Who is a member of which alliance on which day: the one answer every other rule (referral, green channel,
 * recognition, brand) asks for. Clients ask the same with
 * {@code OrganizationAffiliation?participating-organization=…&network=…&date=…&active=true}.
 */
@Component
public class Memberships {

	private final IFhirResourceDao<OrganizationAffiliation> affiliations;

	public Memberships(DaoRegistry daoRegistry) {
		this.affiliations = daoRegistry.getResourceDao(OrganizationAffiliation.class);
	}

	/** Every membership, past and present, of {@code member}; in {@code alliance} only, when one is given. */
	public List<OrganizationAffiliation> of(String member, String alliance) {
		SearchParameterMap search = SearchParameterMap.newSynchronous();
		search.add(OrganizationAffiliation.SP_PARTICIPATING_ORGANIZATION, new ReferenceParam(member));
		if (alliance != null) {
			search.add(OrganizationAffiliation.SP_NETWORK, new ReferenceParam(alliance));
		}
		return affiliations.search(search, new SystemRequestDetails()).getAllResources().stream()
				.map(OrganizationAffiliation.class::cast)
				.toList();
	}

	/** Every membership of an alliance, as its network. */
	public List<OrganizationAffiliation> ofAlliance(String alliance) {
		SearchParameterMap search = SearchParameterMap.newSynchronous();
		search.add(OrganizationAffiliation.SP_NETWORK, new ReferenceParam(alliance));
		return affiliations.search(search, new SystemRequestDetails()).getAllResources().stream()
				.map(OrganizationAffiliation.class::cast)
				.toList();
	}

	/** The membership of {@code member} in {@code alliance} that was in force on {@code day}, if any. */
	public Optional<OrganizationAffiliation> activeOn(String member, String alliance, LocalDate day) {
		return of(member, alliance).stream().filter(m -> inForceOn(m, day)).findFirst();
	}

	/** The alliances of which both organisations are members on {@code day} (for referral and its green channel). */
	public List<String> sharedAlliances(String a, String b, LocalDate day) {
		List<String> ofA = alliancesOn(a, day);
		return alliancesOn(b, day).stream().filter(ofA::contains).toList();
	}

	private List<String> alliancesOn(String member, LocalDate day) {
		return of(member, null).stream().filter(m -> inForceOn(m, day))
				.map(m -> m.getNetworkFirstRep().getReference()).distinct().toList();
	}

	/** The lead hospital an alliance names ({@code yilian-lead-hospital}), as {@code Organization/{id}}. */
	public static Optional<String> leadOf(Organization alliance) {
		Extension lead = alliance.getExtensionByUrl(LEAD_HOSPITAL);
		return lead != null && lead.getValue() instanceof Reference reference && reference.hasReference()
				? Optional.of(reference.getReference()) : Optional.empty();
	}

	public static final String LEAD_HOSPITAL = "https://yilian.health/fhir/StructureDefinition/yilian-lead-hospital";

	/**
	 * In force on a day: started by then and not yet ended. Without an end date the flag decides: a membership
	 * made inactive without an end is suspended.
	 */
	public static boolean inForceOn(OrganizationAffiliation membership, LocalDate day) {
		Optional<LocalDate> start = day(membership.getPeriod().getStartElement());
		Optional<LocalDate> end = day(membership.getPeriod().getEndElement());
		if (start.isEmpty() || start.get().isAfter(day)) {
			return false;
		}
		return end.map(e -> !day.isAfter(e)).orElse(membership.getActive());
	}

	/** The calendar day of a FHIR date or dateTime as written (the alliances write China's local dates). */
	public static Optional<LocalDate> day(BaseDateTimeType value) {
		return value == null || value.isEmpty()
				? Optional.empty()
				: Optional.of(LocalDate.parse(value.getValueAsString().substring(0, 10)));
	}
}
