package health.yilian.branding;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import health.yilian.server.ClockConfig;
import health.yilian.server.YilianOperationProvider;
import java.time.Clock;
import java.time.LocalDate;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.springframework.stereotype.Component;

/**
 * {@code GET /fhir/Organization/{id}/$brand-check?alliance=Organization/{a}&action={code}[&date=yyyy-mm-dd]}:
 * a Parameters with {@code permitted}, {@code reason} (coded, with text) and, when there is one, the
 * {@code authorization} (the grant). {@code date} defaults to today in China. Any organisation may be checked.
 */
@Component
public class BrandCheckOperation implements YilianOperationProvider {

	static final String REASONS = "https://yilian.health/fhir/CodeSystem/yilian-brand-check-reason";

	private final BrandCheck brandCheck;
	private final Clock clock;

	public BrandCheckOperation(BrandCheck brandCheck, Clock clock) {
		this.brandCheck = brandCheck;
		this.clock = clock;
	}

	@Operation(name = "$brand-check", typeName = "Organization", idempotent = true)
	public Parameters brandCheck(
			@IdParam IdType organization,
			@OperationParam(name = "alliance", min = 1) StringType alliance,
			@OperationParam(name = "action", min = 1) CodeType action,
			@OperationParam(name = "date") DateType date) {
		LocalDate today = ClockConfig.today(clock);
		LocalDate day = ClockConfig.dayOrToday(date, clock);
		BrandCheck.Answer answer = brandCheck.check(organization.toUnqualifiedVersionless().getValue(),
				new IdType(alliance.getValue()).toUnqualifiedVersionless().getValue(), action.getValue(), day, today);
		Parameters result = new Parameters();
		result.addParameter().setName("permitted").setValue(new BooleanType(answer.permitted()));
		result.addParameter().setName("reason").setValue(new CodeableConcept(new Coding(REASONS, answer.reason(), null)).setText(answer.text()));
		answer.authorization().ifPresent(grant -> result.addParameter().setName("authorization")
				.setValue(new Reference(grant.getIdElement().toUnqualifiedVersionless())));
		result.addParameter().setName("date").setValue(new DateType(day.toString()));
		return result;
	}
}
