package health.yilian.security;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.i18n.Msg;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.subscription.model.CanonicalSubscription;
import ca.uhn.fhir.jpa.subscription.model.ResourceDeliveryMessage;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.method.PageMethodBinding;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import health.yilian.server.YilianInterceptor;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Where the {@link AccessPolicy} is asked, so that no path goes around it. HAPI has one hook for each path, and this
 * class holds them all (reads are narrowed by {@link ReadNarrowing}, HAPI's consent mechanism, which also sees the
 * matches of conditional creates, updates and deletes):
 * <ul>
 *   <li>every interaction and operation as it arrives, each GET entry of a batch or transaction included
 *       ({@code SERVER_INCOMING_REQUEST_PRE_HANDLED}, which HAPI fires per entry): refused unless the policy names it,
 *       with the search parameters that could tell what a caller may not see ({@code _has} and chains into
 *       records) and the instance operations that would ({@code $validate}, {@code $meta});</li>
 *   <li>every page of results: a page link answers only the client whose search made it;</li>
 *   <li>every resource written, created, updated, patched or deleted, by a plain request or a transaction entry,
 *       conditional or not ({@code STORAGE_PRESTORAGE_RESOURCE_*}, with the stored version and the new one);</li>
 *   <li>every subscription notification, against its owner's read rights at delivery
 *       ({@code SUBSCRIPTION_BEFORE_DELIVERY}).</li>
 * </ul>
 * HAPI's AuthorizationInterceptor is not used: its rules cannot tell create from update (SMART's {@code c} and
 * {@code u}), nor decide on the stored version of a conditional update, which is only known when it is stored.
 */
@Component
@Interceptor(order = -1000)
public class AccessEnforcement implements YilianInterceptor {

	private static final Logger LOG = LoggerFactory.getLogger(AccessEnforcement.class);
	/** Every type a (nested) reverse chain goes through: {@code _has:Organization:partof:_has:Observation:performer:…}. */
	private static final Pattern HAS_TYPE = Pattern.compile(Constants.PARAM_HAS + ":([^:]*):");
	private static final Pattern PAGE_ID = Pattern.compile("[?&]" + Constants.PARAM_PAGINGACTION + "=([^&]+)");

	private final AccessPolicy policy;
	private final SecurityProperties security;
	private final DaoRegistry daoRegistry;
	private final FhirContext fhirContext;
	/**
	 * Which client's search made each page link. Kept in memory, on the node that answered the search: a page link is
	 * followed within minutes, and one not known here answers as an expired one (410), never with the data.
	 */
	private final Cache<String, String> pageOwners = Caffeine.newBuilder().maximumSize(200_000).expireAfterAccess(Duration.ofHours(2)).build();

	public AccessEnforcement(AccessPolicy policy, SecurityProperties security, DaoRegistry daoRegistry, FhirContext fhirContext) {
		this.policy = policy;
		this.security = security;
		this.daoRegistry = daoRegistry;
		this.fhirContext = fhirContext;
	}

	/** On the servlet thread, before anything else: the caller is read from the token and kept with the request. */
	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_PROCESSED)
	public boolean bindCaller(HttpServletRequest request) {
		Caller.of(request);
		return true;
	}

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void arrived(RequestDetails request, RestOperationTypeEnum interaction) {
		Optional<Caller> found = Caller.of(request);
		if (found.isEmpty()) {
			if (security.enabled() && request instanceof ServletRequestDetails && interaction != RestOperationTypeEnum.METADATA) {
				throw new AuthenticationException("a bearer token is required: get one at /oauth2/token");
			}
			return;
		}
		Caller caller = found.get();
		policy.checkInteraction(caller, interaction, request.getResourceName(), request.getOperation());
		if ("$recognition-rate".equals(request.getOperation()) && request.getId() != null) {
			policy.checkRateOf(caller, request.getResourceName() + "/" + request.getId().getIdPart());
		}
		if (!AccessPolicy.narrowed(caller)) {
			return;
		}
		switch (interaction) {
			case SEARCH_TYPE, SEARCH_SYSTEM -> checkSearchParameters(caller, request.getResourceName(), request.getParameters());
			case CREATE -> checkCriteria(caller, request.getHeader(Constants.HEADER_IF_NONE_EXIST), request.getResourceName());
			case UPDATE, DELETE -> checkCriteria(caller, request.getConditionalUrl(interaction), request.getResourceName());
			case TRANSACTION -> checkEntryCriteria(caller, request.getResource());
			case GET_PAGE -> checkPageOwner(caller, request);
			case META -> checkInstanceVisible(caller, request, true);
			case PATCH -> {
				checkCriteria(caller, request.getConditionalUrl(interaction), request.getResourceName());
				checkInstanceVisible(caller, request, false);
			}
			case READ, VREAD, HISTORY_INSTANCE, VALIDATE, EXTENDED_OPERATION_INSTANCE -> checkInstanceVisible(caller, request, false);
			// An update or delete of another's resource is refused as it is stored (403): HAPI creates on an update of
			// an absent id and answers 200 to the delete of one, so neither can answer "as absent" without lying.
			default -> { }
		}
	}

	/**
	 * {@code _has} through records and chains into records would answer what a hidden record holds
	 * ({@code Organization?_has:Patient:organization:name=王}, {@code Task?patient.birthdate=…}); they are refused
	 * whatever the data.
	 */
	private void checkSearchParameters(Caller caller, String type, java.util.Map<String, String[]> parameters) {
		for (String name : parameters.keySet()) {
			if (name.contains(Constants.PARAM_HAS + ":")) {
				Matcher through = HAS_TYPE.matcher(name);
				while (through.find()) {
					if (!AccessPolicy.isPublic(through.group(1))) {
						throw AccessPolicy.forbidden("yl-has", name + ": a reverse chain through " + through.group(1)
								+ " would tell which records exist that " + caller.clientId() + " may not read; search that type itself");
					}
				}
				if (!name.startsWith(Constants.PARAM_HAS + ":")) {
					throw AccessPolicy.forbidden("yl-has", name + ": a reverse chain inside a chain; search the type itself");
				}
			} else if (type != null && name.contains(".")) {
				checkChain(caller, type, name);
			}
		}
	}

	/**
	 * The criteria of a conditional create ({@code If-None-Exist}), update, patch or delete are a search whose answer
	 * shows as created or not, stored or refused: the same parameters are refused in them as in a search.
	 */
	private void checkCriteria(Caller caller, String criteria, String type) {
		if (criteria == null || criteria.isBlank()) {
			return;
		}
		int query = criteria.indexOf('?');
		String path = query < 0 ? "" : criteria.substring(0, query);
		String searched = path.isEmpty() ? type : path.substring(path.lastIndexOf('/') + 1);
		checkSearchParameters(caller, searched, ca.uhn.fhir.util.UrlUtil.parseQueryString(query < 0 ? criteria : criteria.substring(query + 1)));
	}

	/** Each entry of a transaction that is conditional (batches arrive here entry by entry, as their own requests). */
	private void checkEntryCriteria(Caller caller, IBaseResource bundle) {
		if (!(bundle instanceof Bundle transaction)) {
			return;
		}
		for (Bundle.BundleEntryComponent entry : transaction.getEntry()) {
			Bundle.BundleEntryRequestComponent request = entry.getRequest();
			String type = entry.getResource() == null ? null : entry.getResource().fhirType();
			checkCriteria(caller, request.getIfNoneExist(), type);
			if (request.hasUrl() && request.getUrl().contains("?") && request.getMethod() != Bundle.HTTPVerb.GET) {
				checkCriteria(caller, request.getUrl(), type);
			}
		}
	}

	/**
	 * A chain selects records by what another record holds ({@code subject.birthdate=}, {@code focus:DiagnosticReport.result…}),
	 * so through a record the caller may read it would tell what a record it may not read holds: a member system chains
	 * only into the directory and the guide. It finds its own patient's results by the patient's id
	 * ({@code Observation?subject=Patient/{id}&code=…}) or from the patient ({@code Patient?identifier=…&_revinclude=Observation:subject}).
	 */
	private void checkChain(Caller caller, String type, String name) {
		String head = name.substring(0, name.indexOf('.'));
		String[] modifier = head.split(":", 2);
		List<String> targets;
		if (modifier.length == 2) {
			targets = List.of(modifier[1]);
		} else {
			RuntimeResourceDefinition definition = fhirContext.getResourceDefinition(type);
			RuntimeSearchParam parameter = definition.getSearchParam(modifier[0]);
			targets = parameter == null || parameter.getTargets().isEmpty() ? List.of("?") : List.copyOf(parameter.getTargets());
		}
		if (!targets.stream().allMatch(AccessPolicy::isPublic)) {
			throw AccessPolicy.forbidden("yl-chain", name + ": a chain from " + type + " into " + targets
					+ " would select by what records hold that " + caller.clientId() + " may not read; search by the record's id "
					+ "(e.g. subject=Patient/{id}) or from the record itself with _revinclude");
		}
	}

	/** A page link answers the client whose search made it, and anyone else as an expired one. */
	private void checkPageOwner(Caller caller, RequestDetails request) {
		String[] ids = request.getParameters().get(Constants.PARAM_PAGINGACTION);
		String id = ids == null || ids.length == 0 ? "" : ids[0];
		if (!caller.clientId().equals(pageOwners.getIfPresent(id))) {
			throw new ResourceGoneException(Msg.code(417) + fhirContext.getLocalizer().getMessage(PageMethodBinding.class, "unknownSearchId", id));
		}
	}

	/**
	 * Anything addressed to one resource the caller may not read (a read, a version, its history, {@code $validate},
	 * {@code $meta}, an operation on it) answers exactly as for one that does not exist. HAPI's consent mechanism
	 * would refuse it too, but with another message than for an absent id, which would tell the two apart.
	 */
	private void checkInstanceVisible(Caller caller, RequestDetails request, boolean meta) {
		if (request.getId() == null || !request.getId().hasIdPart() || request.getResourceName() == null) {
			if (meta) {
				throw AccessPolicy.forbidden("yl-operation", "$meta across resources is for auditors and the operator; ask Type/{id}/$meta");
			}
			return;
		}
		if ("$recognition".equals(request.getOperation())) {
			return; // answers of reports the caller may not read only when they are recognisable for it (RecognitionOperations)
		}
		String reference = request.getResourceName() + "/" + request.getId().getIdPart();
		var dao = daoRegistry.getResourceDao(request.getResourceName());
		IBaseResource stored;
		try {
			stored = dao.read(new IdType(reference), new SystemRequestDetails());
		} catch (ResourceNotFoundException e) {
			return; // HAPI answers for what is absent
		} catch (ResourceGoneException e) {
			stored = lastVersionBeforeDeletion(dao, reference);
			if (stored == null) {
				return;
			}
		}
		if (!policy.mayRead(caller, stored, new HashMap<>())) {
			throw asAbsent(request, reference);
		}
	}

	/** What a deleted resource held, so that a deleted record of another hospital answers as absent, not as deleted. */
	private static IBaseResource lastVersionBeforeDeletion(ca.uhn.fhir.jpa.api.dao.IFhirResourceDao<?> dao, String reference) {
		IBaseResource latest = dao.read(new IdType(reference), new SystemRequestDetails(), true);
		Long version = latest.getIdElement().getVersionIdPartAsLong();
		if (ca.uhn.fhir.model.api.ResourceMetadataKeyEnum.DELETED_AT.get(latest) == null) {
			return latest;
		}
		return version == null || version <= 1 ? null
				: dao.read(new IdType(reference).withVersion(Long.toString(version - 1)), new SystemRequestDetails(), true);
	}

	/** HAPI's own answer for an id that does not exist, as each path words it. */
	private static ResourceNotFoundException asAbsent(RequestDetails request, String reference) {
		if ("$everything".equals(request.getOperation())) {
			return new ResourceNotFoundException(Msg.code(2841) + "Resource [[TokenParam[system=,value=" + request.getId().getIdPart() + "]]] is not known.");
		}
		return new ResourceNotFoundException(Msg.code(2001) + "Resource " + reference + " is not known");
	}

	/** Remembers whose search each page link of an answer belongs to (searches, history, $everything alike). */
	@Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
	public boolean answered(RequestDetails request, IBaseResource response) {
		if (response instanceof Bundle bundle && bundle.hasLink()) {
			Caller.of(request).ifPresent(caller -> bundle.getLink().forEach(link -> {
				Matcher page = PAGE_ID.matcher(link.getUrl() == null ? "" : link.getUrl());
				if (page.find()) {
					pageOwners.put(page.group(1), caller.clientId());
				}
			}));
		}
		return true;
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void created(IBaseResource resource, RequestDetails request, TransactionDetails transaction) {
		written(request, null, resource, transaction);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request, TransactionDetails transaction) {
		written(request, previous, resource, transaction);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
	public void deleted(IBaseResource resource, RequestDetails request, TransactionDetails transaction) {
		written(request, resource, null, transaction);
	}

	private void written(RequestDetails request, IBaseResource stored, IBaseResource next, TransactionDetails transaction) {
		Optional<Caller> caller = Caller.of(request);
		if (caller.isEmpty()) {
			return; // the server's own writes: demo loading, memberships ending with their organisation
		}
		try {
			policy.checkWrite(caller.get(), stored, next);
		} catch (ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException refusal) {
			if (next == null || !refersToAnotherEntry(next) || request == null) {
				throw refusal;
			}
			awaitReferences(request, stored, next, refusal);
		}
		if (next != null) {
			policy.checkReferences(caller.get(), next, reference -> transaction != null && transaction.getResolvedResource(new IdType(reference)) != null,
					new HashMap<>());
		}
		if (next instanceof Subscription subscription) {
			subscription.getMeta().getTag().removeIf(t -> AccessPolicy.SUBSCRIPTION_OWNER.equals(t.getSystem()));
			subscription.getMeta().addTag(AccessPolicy.SUBSCRIPTION_OWNER, caller.get().clientId(), "owner");
		}
	}

	/**
	 * Inside a transaction HAPI resolves a reference to another entry ({@code urn:uuid:…}) that a conditional write
	 * creates only after every entry is written, so a rule on it (a referral's subject is the sender's own patient)
	 * cannot hold yet. Such a refusal waits: the write is checked again as it commits, its references resolved, and
	 * the transaction commits only when every waiting write has passed (fail closed: one never checked again refuses).
	 */
	private void awaitReferences(RequestDetails request, IBaseResource stored, IBaseResource next, RuntimeException refusal) {
		if (!org.springframework.transaction.support.TransactionSynchronizationManager.isSynchronizationActive()) {
			throw refusal; // no commit to check it again at
		}
		java.util.Map<IBaseResource, Object[]> awaiting = awaiting(request);
		if (awaiting.isEmpty()) {
			org.springframework.transaction.support.TransactionSynchronizationManager.registerSynchronization(
					new org.springframework.transaction.support.TransactionSynchronization() {
						@Override
						public void beforeCommit(boolean readOnly) {
							java.util.Map<IBaseResource, Object[]> left = awaiting(request);
							if (!left.isEmpty()) {
								RuntimeException first = (RuntimeException) left.values().iterator().next()[1];
								left.clear();
								throw first;
							}
						}

						@Override
						public void afterCompletion(int status) {
							awaiting(request).clear();
						}
					});
		}
		awaiting.put(next, new Object[] {stored, refusal});
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
	public void createdResolved(IBaseResource resource, RequestDetails request) {
		resolved(request, resource);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
	public void updatedResolved(IBaseResource previous, IBaseResource resource, RequestDetails request) {
		resolved(request, resource);
	}

	private void resolved(RequestDetails request, IBaseResource resource) {
		if (request == null) {
			return;
		}
		java.util.Map<IBaseResource, Object[]> awaiting = awaiting(request);
		Object[] waiting = awaiting.remove(resource);
		if (waiting == null) {
			String id = resource.getIdElement().toUnqualifiedVersionless().getValue();
			IBaseResource same = awaiting.keySet().stream().filter(r -> id != null && id.equals(r.getIdElement().toUnqualifiedVersionless().getValue()))
					.findFirst().orElse(null);
			waiting = same == null ? null : awaiting.remove(same);
		}
		if (waiting != null) {
			policy.checkWrite(Caller.of(request).orElseThrow(), (IBaseResource) waiting[0], resource);
		}
	}

	private static java.util.Map<IBaseResource, Object[]> awaiting(RequestDetails request) {
		@SuppressWarnings("unchecked")
		java.util.Map<IBaseResource, Object[]> awaiting = (java.util.Map<IBaseResource, Object[]>) request.getUserData()
				.computeIfAbsent(AccessEnforcement.class.getName() + ".awaiting", k -> java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>()));
		return awaiting;
	}

	private boolean refersToAnotherEntry(IBaseResource resource) {
		return fhirContext.newTerser().getAllPopulatedChildElementsOfType(resource, org.hl7.fhir.r4.model.Reference.class).stream()
				.anyMatch(r -> r.getReference() != null && r.getReference().startsWith("urn:"));
	}

	/**
	 * A notification carries only what the subscription's owner may read now: the resource as notified and as it is
	 * stored now (HAPI may deliver the latest version). A subscription without a known owner delivers nothing.
	 */
	@Hook(Pointcut.SUBSCRIPTION_BEFORE_DELIVERY)
	public boolean beforeDelivery(CanonicalSubscription subscription, ResourceDeliveryMessage message) {
		if (!security.enabled()) {
			return true;
		}
		IdType id = new IdType(subscription.getIdElementString()).withResourceType("Subscription");
		Optional<Caller> owner;
		try {
			owner = policy.ownerAsCaller(daoRegistry.getResourceDao(Subscription.class).read(id.toVersionless(), new SystemRequestDetails()));
		} catch (ResourceNotFoundException | ResourceGoneException e) {
			owner = Optional.empty();
		}
		IBaseResource payload = message.getPayload(fhirContext);
		if (owner.isEmpty() || payload == null) {
			LOG.warn("Subscription {}: not delivered, {}", id.getIdPart(), owner.isEmpty() ? "it has no known owner" : "no payload to check");
			return false;
		}
		var memo = new HashMap<String, Boolean>();
		if (!policy.mayRead(owner.get(), payload, memo)) {
			return false;
		}
		try {
			IBaseResource current = daoRegistry.getResourceDao(payload.fhirType())
					.read(payload.getIdElement().toUnqualifiedVersionless(), new SystemRequestDetails());
			return policy.mayRead(owner.get(), current, memo);
		} catch (ResourceNotFoundException | ResourceGoneException e) {
			return true; // deleted since: the notified version was checked above
		}
	}
}
