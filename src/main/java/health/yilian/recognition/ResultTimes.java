package health.yilian.recognition;

import static health.yilian.server.RuleViolation.refuse;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import health.yilian.server.WriteRule;
import health.yilian.server.YilianProperties;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Type;
import org.springframework.stereotype.Component;

/**
 * A result is not from the future: its effective time and the time it was issued are now or earlier, give or take
 * the clocks' skew ({@code yilian.clock-skew}). A report dated ahead would otherwise start its validity window
 * (recognition) at a time that has not come yet, and stay recognisable days too long ({@code yl-future-time}, 422).
 */
@Component
public class ResultTimes extends WriteRule {

	private final Clock clock;
	private final YilianProperties settings;

	public ResultTimes(Clock clock, YilianProperties settings) {
		this.clock = clock;
		this.settings = settings;
	}

	@Override
	protected void check(IBaseResource resource, RequestDetails request, TransactionDetails transaction) {
		if (resource instanceof DiagnosticReport report) {
			notLater(report.getEffective(), "DiagnosticReport.effective[x]");
			notLater(report.getIssuedElement().getValue(), "DiagnosticReport.issued");
		} else if (resource instanceof Observation result) {
			notLater(result.getEffective(), "Observation.effective[x]");
			notLater(result.getIssuedElement().getValue(), "Observation.issued");
		}
	}

	private void notLater(Type effective, String element) {
		if (effective instanceof BaseDateTimeType time) {
			notLater(time.getValue(), element);
		} else if (effective instanceof Period period) {
			notLater(period.getStart(), element + ".start");
			notLater(period.getEnd(), element + ".end");
		}
	}

	private void notLater(Date time, String element) {
		Instant latest = clock.instant().plus(settings.clockSkew());
		if (time != null && time.toInstant().isAfter(latest)) {
			throw refuse("yl-future-time", element, time.toInstant() + " is later than now (" + clock.instant()
					+ ", allowing " + settings.clockSkew().toMinutes() + " minutes for clock skew): a result is dated when it was"
					+ " taken and issued, not ahead; check the sending system's clock");
		}
	}
}
