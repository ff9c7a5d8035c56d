package health.yilian.quality;

import health.yilian.membership.Memberships;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Period;

/**
 * The QC standing of a lab or imaging department for one catalogue item on one day, read from its qualifications
 * (R5 {@code Organization.qualification} as a cross-version extension): issuer, period, standing, items covered.
 *
 * <p>A QC centre posts a failure as a new qualification with status {@code failed} (or {@code suspended}) from the
 * day of the failure; it outranks any pass covering the same day, so recognition is withdrawn from that day on and
 * results before it keep their standing (000 art.18, the 2022 national rule).
 */
public final class QcStanding {

	public static final String QUALIFICATION = "http://hl7.org/fhir/5.0/StructureDefinition/extension-Organization.qualification";
	public static final String STATUS = "https://yilian.health/fhir/StructureDefinition/yilian-qc-status";
	public static final String ITEM = "https://yilian.health/fhir/StructureDefinition/yilian-qc-item";
	public static final String PASSED = "passed";

	private QcStanding() {}

	/**
	 * {@code failed} or {@code suspended} when such a qualification covers the item on the day, else {@code passed}
	 * when a pass covers it, else empty (never assessed for that item then).
	 */
	public static Optional<String> of(List<Organization> organizations, String item, LocalDate day) {
		List<String> standings = organizations.stream()
				.flatMap(o -> o.getExtensionsByUrl(QUALIFICATION).stream())
				.filter(q -> covers(q, item, day))
				.map(q -> q.getExtensionByUrl(STATUS).getValue().primitiveValue())
				.toList();
		return standings.stream().filter(s -> !PASSED.equals(s)).findFirst()
				.or(() -> standings.stream().findFirst());
	}

	private static boolean covers(Extension qualification, String item, LocalDate day) {
		Extension period = qualification.getExtensionByUrl("period");
		Extension status = qualification.getExtensionByUrl(STATUS);
		if (period == null || status == null) {
			return false;
		}
		Period p = (Period) period.getValue();
		boolean inPeriod = Memberships.day(p.getStartElement()).map(s -> !day.isBefore(s)).orElse(true)
				&& Memberships.day(p.getEndElement()).map(e -> !day.isAfter(e)).orElse(true);
		return inPeriod && qualification.getExtensionsByUrl(ITEM).stream()
				.anyMatch(i -> item.equals(((Coding) i.getValue()).getCode()));
	}
}
