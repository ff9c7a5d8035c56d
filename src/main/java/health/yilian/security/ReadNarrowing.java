package health.yilian.security;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentInterceptor;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentOutcome;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentContextServices;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentService;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import health.yilian.server.YilianInterceptor;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.stereotype.Component;

/**
 * The read half of the {@link AccessPolicy}, through HAPI's consent mechanism: every resource a member system or QC
 * centre would be shown (a read, a search result, an {@code _include}, a history entry, a page, a batch entry, the
 * answer of {@code $everything}, the match of a conditional create, update or delete) is asked
 * {@link AccessPolicy#mayRead}; what it may not see is left out of a search and a read of it is 404, as if it did not
 * exist. Auditors and the operator are not narrowed, but a token of theirs with fewer scopes than every type is
 * still asked of each resource shown, so that an {@code _include}, {@code _revinclude} or {@code $everything} shows
 * only the types its scopes name; the server's own reads are not asked.
 */
@Component
public class ReadNarrowing extends ConsentInterceptor implements YilianInterceptor {

	private static final Set<RestOperationTypeEnum> WRITES = Set.of(RestOperationTypeEnum.CREATE, RestOperationTypeEnum.UPDATE,
			RestOperationTypeEnum.PATCH, RestOperationTypeEnum.DELETE, RestOperationTypeEnum.TRANSACTION);
	private static final String MEMO = ReadNarrowing.class.getName() + ".memo";

	public ReadNarrowing(AccessPolicy policy) {
		super(new Rules(policy));
	}

	/**
	 * Callers that see everything (auditors and the operator with scopes over every type) and the server itself are
	 * not asked at all: HAPI's consent mechanism then also leaves their {@code _summary=count} alone, which it refuses
	 * to everyone it asks (a count would tell what they may not see). Invoked through the superclass's hook.
	 */
	@Override
	public void interceptPreHandled(RequestDetails request) {
		if (narrowed(request).isEmpty()) {
			ConsentInterceptor.skipAllConsentForRequest(request);
		}
		super.interceptPreHandled(request);
	}

	/** The caller, when what it is shown must be asked of the policy resource by resource. */
	static Optional<Caller> narrowed(RequestDetails request) {
		return Caller.of(request).filter(caller -> !AccessPolicy.seesEverything(caller));
	}

	record Rules(AccessPolicy policy) implements IConsentService {

		@Override
		public ConsentOutcome startOperation(RequestDetails request, IConsentContextServices context) {
			// Never AUTHORIZED for a narrowed caller: HAPI keeps that verdict in state every entry of a batch shares, so
			// one entry's operation would open the entries after it.
			return narrowed(request).isEmpty() ? ConsentOutcome.AUTHORIZED : ConsentOutcome.PROCEED;
		}

		@Override
		public ConsentOutcome canSeeResource(RequestDetails request, IBaseResource resource, IConsentContextServices context) {
			Optional<Caller> caller = narrowed(request);
			if (caller.isEmpty() || AccessPolicy.decidesItsOwnDisclosure(request.getOperation()) || isWrite(request)) {
				return ConsentOutcome.AUTHORIZED;
			}
			return policy.mayRead(caller.get(), resource, memo(request)) ? ConsentOutcome.AUTHORIZED : ConsentOutcome.REJECT;
		}

		/**
		 * A write's own resource is not a read: HAPI asks here of the resource a create or update is about to store, and
		 * inside a transaction a rejection makes it silently skip that entry's write while answering 200 with a version
		 * that never exists. Whether the caller may write it is decided as it is stored ({@link AccessEnforcement}), where a
		 * refusal refuses the whole transaction. (Matches of conditional writes are asked in {@link #willSeeResource}.)
		 */
		private static boolean isWrite(RequestDetails request) {
			RestOperationTypeEnum interaction = request.getRestOperationType();
			if (interaction != null) {
				return WRITES.contains(interaction);
			}
			// A transaction's write entry: a sub-request with the entry's verb and no interaction of its own.
			return request.getRequestType() != null && request.getRequestType() != ca.uhn.fhir.rest.api.RequestTypeEnum.GET;
		}

		/**
		 * The same question once more for everything HAPI shows without asking {@link #canSeeResource} first: the
		 * match of a conditional create, update or delete (so a hidden match answers as no match), and each resource
		 * of an answer. Answers that are not stored resources pass; a batch's entries were each asked as their own
		 * request.
		 */
		@Override
		public ConsentOutcome willSeeResource(RequestDetails request, IBaseResource resource, IConsentContextServices context) {
			Optional<Caller> caller = narrowed(request);
			if (caller.isEmpty() || AccessPolicy.decidesItsOwnDisclosure(request.getOperation())) {
				return ConsentOutcome.AUTHORIZED;
			}
			if (resource instanceof org.hl7.fhir.r4.model.Bundle) {
				boolean entriesAskedAlone = request.getRestOperationType() == ca.uhn.fhir.rest.api.RestOperationTypeEnum.BATCH
						|| request.getRestOperationType() == ca.uhn.fhir.rest.api.RestOperationTypeEnum.TRANSACTION;
				return entriesAskedAlone ? ConsentOutcome.AUTHORIZED : ConsentOutcome.PROCEED;
			}
			if (resource instanceof org.hl7.fhir.r4.model.OperationOutcome || resource instanceof org.hl7.fhir.r4.model.Parameters) {
				return ConsentOutcome.PROCEED;
			}
			return policy.mayRead(caller.get(), resource, memo(request)) ? ConsentOutcome.PROCEED : ConsentOutcome.REJECT;
		}

		/** Answers about one person kept for the rest of one request, shared by its batch entries on HAPI's pool threads. */
		private static Map<String, Boolean> memo(RequestDetails request) {
			var http = ((ServletRequestDetails) request).getServletRequest();
			synchronized (http) {
				@SuppressWarnings("unchecked")
				Map<String, Boolean> memo = (Map<String, Boolean>) http.getAttribute(MEMO);
				if (memo == null) {
					memo = new ConcurrentHashMap<>();
					http.setAttribute(MEMO, memo);
				}
				return memo;
			}
		}
	}
}
