package health.yilian.recognition;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import health.yilian.membership.Memberships;
import health.yilian.membership.PartOf;
import health.yilian.quality.QcStanding;
import health.yilian.server.YilianInterceptor;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Organization;
import org.springframework.stereotype.Component;

/**
 * What the server writes into a report as it is stored, so that auditors can search it later without code:
 * <ul>
 *   <li>a sender's recognition extension is removed: recognition is computed, never sent;</li>
 *   <li>the catalogue item is added to {@code code} when the sender coded only LOINC, so
 *       {@code DiagnosticReport?code=…/yilian-recognition-catalogue|K} finds every potassium report;</li>
 *   <li>the performer's QC standing for the item on the report's date is stamped ({@code yilian-qc-standing},
 *       searchable as {@code qc-standing}): the standing at issue, which a later QC posting does not rewrite.</li>
 * </ul>
 */
@Component
public class RecognitionStamp implements YilianInterceptor {

	public static final String RECOGNITION = "https://yilian.health/fhir/StructureDefinition/yilian-recognition";
	public static final String QC_STANDING = "https://yilian.health/fhir/StructureDefinition/yilian-qc-standing";

	private final DaoRegistry daoRegistry;
	private final RecognitionCatalogue catalogue;

	public RecognitionStamp(DaoRegistry daoRegistry, RecognitionCatalogue catalogue) {
		this.daoRegistry = daoRegistry;
		this.catalogue = catalogue;
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void created(IBaseResource resource) {
		stamp(resource);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void updated(IBaseResource previous, IBaseResource resource) {
		stamp(resource);
	}

	private void stamp(IBaseResource resource) {
		if (!(resource instanceof DiagnosticReport report)) {
			return;
		}
		report.getExtension().removeIf(e -> RECOGNITION.equals(e.getUrl()) || QC_STANDING.equals(e.getUrl()));
		Optional<Coding> item = catalogue.itemOf(report);
		if (item.isEmpty()) {
			return;
		}
		if (report.getCode().getCoding().stream().noneMatch(c -> RecognitionCatalogue.SYSTEM.equals(c.getSystem()))) {
			report.getCode().addCoding(item.get());
		}
		Optional<LocalDate> day = Memberships.day(report.getEffectiveDateTimeType());
		if (day.isPresent()) {
			QcStanding.of(performer(report.getPerformerFirstRep().getReference()), item.get().getCode(), day.get())
					.ifPresent(standing -> report.addExtension(QC_STANDING, new CodeType(standing)));
		}
	}

	/**
	 * The performing department and the hospital it is part of. A performer sent in the same transaction (still a
	 * urn:uuid here) has no standing yet: its qualifications arrive with it, so nothing is stamped.
	 */
	private List<Organization> performer(String reference) {
		return PartOf.chain(reference, ref -> {
			if (!ref.startsWith("Organization/")) {
				return Optional.empty();
			}
			try {
				return Optional.of(daoRegistry.getResourceDao(Organization.class).read(new IdType(ref), new SystemRequestDetails()));
			} catch (ResourceNotFoundException e) {
				return Optional.empty();
			}
		});
	}
}
