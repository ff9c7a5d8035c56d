package health.yilian.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.fulltext.FullTextExtractionRequest;
import ca.uhn.fhir.jpa.searchparam.fulltext.FullTextExtractionResponse;
import ca.uhn.fhir.jpa.subscription.model.ResourceModifiedMessage;
import health.yilian.server.YilianInterceptor;
import org.springframework.stereotype.Component;

/**
 * An AuditEvent is stored for auditors' structured searches (who, what, when, outcome) and nothing else: a lab
 * bundle of seven resources brings seven events, so each extra piece of work per event costs ingest as much as it
 * costs per clinical resource (bench/RESULTS.md).
 */
@Component
public class AuditEventStorage implements YilianInterceptor {

	private static final String AUDIT_EVENT = "AuditEvent";

	private final FhirContext fhirContext;

	public AuditEventStorage(FhirContext fhirContext) {
		this.fhirContext = fhirContext;
	}

	/** Subscriptions notify hospitals of clinical changes; HAPI would queue, store and re-read every event to match it. */
	@Hook(Pointcut.SUBSCRIPTION_RESOURCE_MODIFIED)
	public boolean matchUnlessAuditEvent(ResourceModifiedMessage message) {
		return !message.hasResourceType(fhirContext, AUDIT_EVENT);
	}

	/** No full-text document ({@code _content}, {@code _text}): auditors search by agent, entity, date and outcome. */
	@Hook(Pointcut.JPA_INDEX_EXTRACT_FULLTEXT_CONTENT)
	public FullTextExtractionResponse contentUnlessAuditEvent(FullTextExtractionRequest request) {
		return AUDIT_EVENT.equals(request.getResourceType()) ? FullTextExtractionResponse.doNotIndex() : FullTextExtractionResponse.indexNormally();
	}

	@Hook(Pointcut.JPA_INDEX_EXTRACT_FULLTEXT_TEXT)
	public FullTextExtractionResponse narrativeUnlessAuditEvent(FullTextExtractionRequest request) {
		return contentUnlessAuditEvent(request);
	}
}
