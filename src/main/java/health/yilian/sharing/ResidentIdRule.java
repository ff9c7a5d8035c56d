package health.yilian.sharing;

import static health.yilian.server.RuleViolation.refuse;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import health.yilian.server.WriteRule;
import java.time.DateTimeException;
import java.time.LocalDate;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.stereotype.Component;

/**
 * A resident ID (居民身份证号, GB 11643-1999) ties one person's records across hospitals, so a mistyped one would tie
 * two people together or split one: it must be 18 characters, its birth date a real day, and its last character the
 * ISO 7064 MOD 11-2 check character of the first 17 ({@code yl-resident-id}, 422).
 */
@Component
public class ResidentIdRule extends WriteRule {

	private static final int[] WEIGHTS = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	private static final String CHECK = "10X98765432";

	@Override
	protected void check(IBaseResource resource, RequestDetails request, TransactionDetails transaction) {
		if (!(resource instanceof Patient patient)) {
			return;
		}
		patient.getIdentifier().stream().filter(i -> PatientRecords.RESIDENT_ID.equals(i.getSystem())).forEach(i -> {
			String why = problem(i.getValue());
			if (why != null) {
				throw refuse("yl-resident-id", "Patient.identifier", "resident ID '" + i.getValue() + "': " + why);
			}
		});
	}

	/** What is wrong with a resident ID, or null when nothing is. */
	static String problem(String id) {
		if (id == null || !id.matches("[0-9]{17}[0-9X]")) {
			return "a resident ID is 17 digits and a check digit or X (18 characters)";
		}
		try {
			LocalDate born = LocalDate.of(Integer.parseInt(id.substring(6, 10)), Integer.parseInt(id.substring(10, 12)),
					Integer.parseInt(id.substring(12, 14)));
			if (born.getYear() < 1880) {
				return "the birth date " + born + " (characters 7-14) is not plausible";
			}
		} catch (DateTimeException e) {
			return "characters 7-14 (" + id.substring(6, 14) + ") are not a date of birth YYYYMMDD";
		}
		int sum = 0;
		for (int k = 0; k < 17; k++) {
			sum += (id.charAt(k) - '0') * WEIGHTS[k];
		}
		char expected = CHECK.charAt(sum % 11);
		return id.charAt(17) == expected ? null : "the check character is " + id.charAt(17) + " but the first 17 digits give " + expected
				+ " (ISO 7064 MOD 11-2, GB 11643): check the number with the patient's card";
	}
}
