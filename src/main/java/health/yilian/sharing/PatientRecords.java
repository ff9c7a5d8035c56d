package health.yilian.sharing;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.stereotype.Component;

/**
 * One person's Patient records across hospitals. Each member's HIS posts its own Patient (its record number), so
 * one person has several; the resident ID (居民身份证号) ties them together, and sharing across the alliance is
 * about the person, not one hospital's record.
 */
@Component
public class PatientRecords {

	public static final String RESIDENT_ID = "https://yilian.health/fhir/sid/resident-id";

	private final IFhirResourceDao<Patient> patients;

	public PatientRecords(DaoRegistry daoRegistry) {
		this.patients = daoRegistry.getResourceDao(Patient.class);
	}

	/** Every Patient with this identifier ({@code system|value}), as {@code Patient/{id}}. */
	public List<String> withIdentifier(String system, String value) {
		SearchParameterMap search = SearchParameterMap.newSynchronous(Patient.SP_IDENTIFIER, new TokenParam(system, value));
		return patients.search(search, new SystemRequestDetails()).getAllResources().stream()
				.map(p -> p.getIdElement().toUnqualifiedVersionless().getValue())
				.toList();
	}

	/** The records of the person behind {@code patient}: all with its resident ID, or just itself without one. */
	public List<String> samePerson(String patient) {
		Patient record;
		try {
			record = patients.read(new IdType(patient), new SystemRequestDetails());
		} catch (ca.uhn.fhir.rest.server.exceptions.ResourceGoneException | ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException e) {
			return List.of(new IdType(patient).toUnqualifiedVersionless().getValue()); // a record deleted or never stored: only itself
		}
		Optional<Identifier> residentId = record.getIdentifier().stream()
				.filter(i -> RESIDENT_ID.equals(i.getSystem())).findFirst();
		return residentId.map(i -> withIdentifier(RESIDENT_ID, i.getValue()))
				.orElse(List.of(record.getIdElement().toUnqualifiedVersionless().getValue()));
	}
}
