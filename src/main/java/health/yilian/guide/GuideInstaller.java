package health.yilian.guide;

import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import health.yilian.server.YilianProperties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ImplementationGuide;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Stores the guide in the server at start so integration engineers can read it where they send data
 * ({@code /fhir/StructureDefinition}, {@code /fhir/CodeSystem}, {@code /fhir/ValueSet}, {@code /fhir/ConceptMap}),
 * and, when {@code yilian.demo-data} is on, the guide's examples as the demo alliance (德阳市城市医疗集团).
 *
 * <p>Each resource is written with PUT at its guide id: HAPI skips an update that changes nothing, so restarts
 * add no versions, and a new guide version replaces the old definitions in place. The examples go through the
 * same profile enforcement as any write, so a broken example stops the start instead of becoming demo data.
 */
@Component
public class GuideInstaller {

	private static final Logger log = LoggerFactory.getLogger(GuideInstaller.class);

	private final YilianGuide guide;
	private final IFhirSystemDao<Bundle, Meta> systemDao;
	private final YilianProperties yilian;
	private final ISearchParamRegistry searchParameters;

	public GuideInstaller(
			YilianGuide guide,
			IFhirSystemDao<Bundle, Meta> systemDao,
			YilianProperties yilian,
			ISearchParamRegistry searchParameters) {
		this.guide = guide;
		this.systemDao = systemDao;
		this.yilian = yilian;
		this.searchParameters = searchParameters;
	}

	@EventListener(ApplicationReadyEvent.class)
	public void install() {
		List<Resource> conformance = guide.conformanceResources().stream().filter(r -> !(r instanceof ImplementationGuide)).toList();
		put(conformance);
		// The guide's search parameters answer from the first request on, not after the registry's next poll.
		searchParameters.forceRefresh();
		log.info("Yilian guide: {} conformance resources in place", guide.conformanceResources().size());
		if (yilian.demoData()) {
			guide.examples().stream()
					.collect(Collectors.groupingBy(GuideInstaller::writeOrder, TreeMap::new, Collectors.toList()))
					.values()
					.forEach(this::put);
			log.info("Demo alliance: {} example resources in place", guide.examples().size());
		}
		put(List.of(asHeld(guide.implementationGuide(), yilian.demoData())));
	}

	/**
	 * The ImplementationGuide as this server holds it: HAPI keeps references whole, so it lists the examples only where
	 * they are stored (the demo) and never the whole-transaction feeds, which are Bundles to send, not resources kept.
	 * The package lists them all.
	 */
	private static ImplementationGuide asHeld(ImplementationGuide published, boolean examplesStored) {
		ImplementationGuide held = published.copy();
		held.getDefinition().getResource().removeIf(r -> r.getReference().getReference().startsWith("Bundle/")
				|| (!examplesStored && !(r.getExample() instanceof org.hl7.fhir.r4.model.BooleanType b && !b.booleanValue())));
		return held;
	}

	/**
	 * Organisations before the memberships and grants that the alliance rules check against them, and patients
	 * before their records: the rules read what is already stored, so each group is its own transaction.
	 */
	private static int writeOrder(Resource resource) {
		int rank = WRITE_ORDER.indexOf(resource.fhirType());
		return rank < 0 ? WRITE_ORDER.size() : rank;
	}

	private static final List<String> WRITE_ORDER = List.of(
			"Organization", "OrganizationAffiliation", "Patient", "DocumentReference", "Consent");

	private void put(List<Resource> resources) {
		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		for (Resource resource : resources) {
			String url = resource.fhirType() + "/" + resource.getIdElement().getIdPart();
			transaction.addEntry()
					.setResource(resource.copy())
					.getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(url);
		}
		systemDao.transaction(new SystemRequestDetails(), transaction);
	}
}
