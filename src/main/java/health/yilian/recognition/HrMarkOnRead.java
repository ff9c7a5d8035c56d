package health.yilian.recognition;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import health.yilian.server.YilianInterceptor;
import java.time.Clock;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.springframework.stereotype.Component;

/**
 * Every report a client reads (read, vread, search, _include, history) carries its HR mark when it has one at that instant:
 * the {@code yilian-recognition} extension, computed at that moment, since a QC posting, a membership's end or the
 * passing of the validity window change it without any write to the report. Who may rely on it is answered per
 * requester by {@code $recognition} and {@code $recognizable}.
 *
 * <p>The server's own reads ({@link SystemRequestDetails}) are left alone: the rules read stored facts.
 */
@Component
public class HrMarkOnRead implements YilianInterceptor {

	private final RecognitionEligibility eligibility;
	private final Clock clock;

	public HrMarkOnRead(RecognitionEligibility eligibility, Clock clock) {
		this.eligibility = eligibility;
		this.clock = clock;
	}

	@Hook(Pointcut.STORAGE_PRESHOW_RESOURCES)
	public void mark(IPreResourceShowDetails shown, RequestDetails request) {
		if (request == null || request instanceof SystemRequestDetails) {
			return;
		}
		RecognitionEligibility.Evaluation evaluation = null;
		for (IBaseResource resource : shown) {
			if (resource instanceof DiagnosticReport report) {
				if (evaluation == null) {
					evaluation = eligibility.at(clock.instant(), Optional.empty());
				}
				mark(report, evaluation.of(report));
			}
		}
	}

	/** Replaces any recognition extension with the one the verdict gives (none when not recognisable). */
	static void mark(DiagnosticReport report, RecognitionEligibility.Verdict verdict) {
		report.getExtension().removeIf(e -> RecognitionStamp.RECOGNITION.equals(e.getUrl()));
		verdict.recognition().ifPresent(r -> {
			Extension recognition = report.addExtension().setUrl(RecognitionStamp.RECOGNITION);
			recognition.addExtension("hr-mark", new StringType(r.hrMark()));
			recognition.addExtension("scope", new Reference(r.alliance().getIdElement().toUnqualifiedVersionless()).setDisplay(r.alliance().getName()));
			recognition.addExtension("item", r.item());
			recognition.addExtension("valid-until", r.validUntil());
		});
	}
}
