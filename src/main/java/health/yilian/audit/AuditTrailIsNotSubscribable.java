package health.yilian.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.subscription.model.ResourceModifiedMessage;
import health.yilian.server.YilianInterceptor;
import org.springframework.stereotype.Component;

/**
 * Subscriptions notify hospitals of clinical changes (a referral's Task, a report); the audit trail is for auditors,
 * who search it. HAPI would otherwise queue every stored AuditEvent for subscription matching, store the message and
 * read the event back: as much work again as storing it (bench/RESULTS.md).
 */
@Component
public class AuditTrailIsNotSubscribable implements YilianInterceptor {

	private final FhirContext fhirContext;

	public AuditTrailIsNotSubscribable(FhirContext fhirContext) {
		this.fhirContext = fhirContext;
	}

	@Hook(Pointcut.SUBSCRIPTION_RESOURCE_MODIFIED)
	public boolean matchUnlessAuditEvent(ResourceModifiedMessage message) {
		return !message.hasResourceType(fhirContext, "AuditEvent");
	}
}
