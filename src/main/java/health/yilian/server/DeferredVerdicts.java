package health.yilian.server;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.springframework.stereotype.Component;

/**
 * Refusals being decided on other threads for the writes of one request (profile validation, see the guide package),
 * kept with the request and awaited before its transaction commits. A client gets the answer it would get if every
 * check ran in order: when a later check refuses first, the earlier write's refusal is the answer.
 */
@Component
public class DeferredVerdicts implements YilianInterceptor {

	private static final String KEY = DeferredVerdicts.class.getName();

	/** {@code verdict} completes with the refusal of one write, or empty when it may be stored. */
	public static void add(RequestDetails request, CompletableFuture<Optional<RuntimeException>> verdict) {
		pending(request).add(verdict);
	}

	/** Waits for every verdict of the request so far and forgets them; the first refusal, if any. */
	public static Optional<RuntimeException> awaitFirstRefusal(RequestDetails request) {
		List<CompletableFuture<Optional<RuntimeException>>> pending = pending(request);
		try {
			for (CompletableFuture<Optional<RuntimeException>> verdict : pending) {
				Optional<RuntimeException> refusal = verdict.join();
				if (refusal.isPresent()) {
					return refusal;
				}
			}
			return Optional.empty();
		} catch (CompletionException e) {
			throw e.getCause() instanceof RuntimeException cause ? cause : e;
		} finally {
			pending.clear();
		}
	}

	/** Before any write of the request commits: the first refusal refuses the whole. */
	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
	public void beforeCreateCommits(RequestDetails request) {
		throwFirstRefusal(request);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
	public void beforeUpdateCommits(RequestDetails request) {
		throwFirstRefusal(request);
	}

	private static void throwFirstRefusal(RequestDetails request) {
		if (request != null) {
			awaitFirstRefusal(request).ifPresent(refusal -> {
				throw refusal;
			});
		}
	}

	@Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
	public BaseServerResponseException earlierRefusalFirst(RequestDetails request) {
		return awaitFirstRefusal(request)
				.filter(BaseServerResponseException.class::isInstance)
				.map(BaseServerResponseException.class::cast)
				.orElse(null);
	}

	private static List<CompletableFuture<Optional<RuntimeException>>> pending(RequestDetails request) {
		@SuppressWarnings("unchecked")
		List<CompletableFuture<Optional<RuntimeException>>> pending =
				(List<CompletableFuture<Optional<RuntimeException>>>) request.getUserData().computeIfAbsent(KEY, k -> new ArrayList<>());
		return pending;
	}
}
