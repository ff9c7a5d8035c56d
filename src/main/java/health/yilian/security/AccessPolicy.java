package health.yilian.security;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import health.yilian.branding.BrandGrants;
import health.yilian.guide.TaskKind;
import health.yilian.membership.MemberRoll;
import health.yilian.membership.Memberships;
import health.yilian.quality.QcStanding;
import health.yilian.referral.ReferralSharing;
import health.yilian.server.ClockConfig;
import health.yilian.sharing.PatientRecords;
import health.yilian.sharing.SharingConsents;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Endpoint;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.OrganizationAffiliation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;

/**
 * Who may do what: the alliance's access rules ({@code ACCESS.md}, from the charters) as one policy, asked by every
 * path (see {@link AccessEnforcement} for where: each REST interaction, each batch and transaction entry, each
 * operation, each page of results, each conditional match, each subscription notification). Anything it does not
 * name is refused.
 *
 * <pre>
 * caller kind     acts for                          reads                                   writes
 * member system   one organisation O (scopes)       below, per kind of resource             below, stored and new version alike
 * QC centre       its organisation                  directory, guide                        QC qualifications it issues, for its items
 * auditor         the alliance office / commission  everything                              nothing
 * operator        nobody                            everything                              everything but the audit trail
 *
 * resource (kind)                       a member system O reads                   a member system O writes
 * Organization, OrganizationAffiliation,
 *   PractitionerRole, Location … (DIRECTORY) every client                        its own contact details; its departments (partOf O);
 *                                                                                 memberships of the alliances it leads; never grade,
 *                                                                                 licence, active, partOf across hospitals, QC
 *                                                                                 qualifications, alliances (the operator's registry)
 * Consent, brand grant                  every client                              the alliance's lead
 * Consent, sharing consent              the recording hospital                    a hospital holding its own record of the patient,
 *                                                                                 the patient consenting, the signed form referenced
 * Patient                               its record (its MRN); referral partner    its record, carrying its record number only
 * DiagnosticReport, Observation,
 *   ImagingStudy, DocumentReference     performed (authored) by O; referral       performed (authored) by O
 * ServiceRequest, Task (referral)       sender and receiver                       sender creates, cancels; each move by its side
 * Task (recognition decision)           the deciding and the performing hospital  the deciding hospital
 * Subscription                          its owner                                 its owner, to endpoints registered for it
 * Measure / MeasureReport               every client / its own, a lead its alliance  nobody (operator)
 * StructureDefinition, CodeSystem … (GUIDE) every client, whatever its scopes     nobody (operator)
 * AuditEvent                            nobody (auditors)                         nobody, operators neither
 * anything else                         nobody (auditors, operator)               nobody (operator)
 * </pre>
 * Every read and write also needs a SMART scope for its type. Referral access, precisely, is
 * {@link ReferralSharing}'s; whether the patient's consent allows it, {@link SharingConsents}'.
 */
@Component
public class AccessPolicy {

	/** What a resource is to the policy: the rows of the table above. */
	public enum Kind { DIRECTORY, GUIDE, CONSENT, PATIENT, RESULT, REFERRAL, TASK, SUBSCRIPTION, ASSESSMENT, AUDIT, OTHER }

	private static final Map<String, Kind> KINDS = Map.ofEntries(
			Map.entry("Organization", Kind.DIRECTORY), Map.entry("OrganizationAffiliation", Kind.DIRECTORY),
			Map.entry("PractitionerRole", Kind.DIRECTORY), Map.entry("Practitioner", Kind.DIRECTORY),
			Map.entry("Location", Kind.DIRECTORY), Map.entry("HealthcareService", Kind.DIRECTORY), Map.entry("Endpoint", Kind.DIRECTORY),
			Map.entry("StructureDefinition", Kind.GUIDE), Map.entry("CodeSystem", Kind.GUIDE), Map.entry("ValueSet", Kind.GUIDE),
			Map.entry("ConceptMap", Kind.GUIDE), Map.entry("SearchParameter", Kind.GUIDE), Map.entry("ImplementationGuide", Kind.GUIDE),
			Map.entry("NamingSystem", Kind.GUIDE), Map.entry("OperationDefinition", Kind.GUIDE), Map.entry("CapabilityStatement", Kind.GUIDE),
			Map.entry("Measure", Kind.GUIDE),
			Map.entry("Consent", Kind.CONSENT), Map.entry("Patient", Kind.PATIENT),
			Map.entry("DiagnosticReport", Kind.RESULT), Map.entry("Observation", Kind.RESULT), Map.entry("ImagingStudy", Kind.RESULT),
			Map.entry("DocumentReference", Kind.RESULT),
			Map.entry("ServiceRequest", Kind.REFERRAL), Map.entry("Task", Kind.TASK), Map.entry("Subscription", Kind.SUBSCRIPTION),
			Map.entry("MeasureReport", Kind.ASSESSMENT), Map.entry("AuditEvent", Kind.AUDIT));

	/** The resource types the policy names, for the scopes discovery lists. */
	public static Set<String> types() {
		return KINDS.keySet();
	}

	/** Interactions every authenticated client may attempt; what each returns or changes is then checked per resource. */
	private static final Set<RestOperationTypeEnum> READS = Set.of(RestOperationTypeEnum.READ, RestOperationTypeEnum.VREAD,
			RestOperationTypeEnum.SEARCH_TYPE, RestOperationTypeEnum.SEARCH_SYSTEM, RestOperationTypeEnum.GET_PAGE,
			RestOperationTypeEnum.HISTORY_INSTANCE, RestOperationTypeEnum.HISTORY_TYPE, RestOperationTypeEnum.HISTORY_SYSTEM,
			RestOperationTypeEnum.VALIDATE, RestOperationTypeEnum.META, RestOperationTypeEnum.TRANSACTION, RestOperationTypeEnum.BATCH);
	private static final Set<RestOperationTypeEnum> WRITES = Set.of(RestOperationTypeEnum.CREATE, RestOperationTypeEnum.UPDATE,
			RestOperationTypeEnum.PATCH, RestOperationTypeEnum.DELETE);

	private static final Set<SecurityProperties.Role> EVERY_CLIENT = Set.of(SecurityProperties.Role.values());
	private static final Set<SecurityProperties.Role> MEMBERS_AUDITORS_OPERATOR =
			Set.of(SecurityProperties.Role.SYSTEM, SecurityProperties.Role.AUDITOR, SecurityProperties.Role.OPERATOR);
	private static final Set<SecurityProperties.Role> AUDITORS_OPERATOR = Set.of(SecurityProperties.Role.AUDITOR, SecurityProperties.Role.OPERATOR);
	private static final Set<SecurityProperties.Role> AUDITORS = Set.of(SecurityProperties.Role.AUDITOR);
	private static final Set<SecurityProperties.Role> OPERATOR = Set.of(SecurityProperties.Role.OPERATOR);

	/** The operations the server offers, and who may call each; an operation not listed here is refused to everyone. */
	private static final Map<String, Set<SecurityProperties.Role>> OPERATIONS = Map.ofEntries(
			// Of an instance, only one the caller may read (AccessEnforcement answers any other as absent).
			Map.entry("$validate", EVERY_CLIENT),
			Map.entry("$meta", EVERY_CLIENT),
			Map.entry("$brand-check", EVERY_CLIENT),
			Map.entry("$expand", EVERY_CLIENT),
			Map.entry("$lookup", EVERY_CLIENT),
			Map.entry("$validate-code", EVERY_CLIENT),
			Map.entry("$subsumes", EVERY_CLIENT),
			Map.entry("$translate", EVERY_CLIENT),
			Map.entry("$snapshot", EVERY_CLIENT),
			// Act for the caller's own organisation (actingFor); auditors and the operator for any.
			Map.entry("$recognizable", MEMBERS_AUDITORS_OPERATOR),
			Map.entry("$recognition", MEMBERS_AUDITORS_OPERATOR),
			Map.entry("$recognition-rate", MEMBERS_AUDITORS_OPERATOR),
			// Answers only what the caller may read (ReadNarrowing).
			Map.entry("$everything", MEMBERS_AUDITORS_OPERATOR),
			Map.entry("$lastn", MEMBERS_AUDITORS_OPERATOR),
			Map.entry("$document", AUDITORS_OPERATOR),
			Map.entry("$export", AUDITORS),
			Map.entry("$export-poll-status", AUDITORS),
			Map.entry("$verify-audit-trail", AUDITORS),
			// Maintenance and repairs.
			Map.entry("$invalidate-expansion", OPERATOR),
			Map.entry("$hapi.fhir.merge", OPERATOR),
			Map.entry("$hapi.fhir.undo-merge", OPERATOR),
			Map.entry("$hapi.fhir.replace-references", OPERATOR),
			Map.entry("$hapi.fhir.undo-replace-references", OPERATOR),
			Map.entry("$reindex", OPERATOR),
			Map.entry("$mark-all-resources-for-reindexing", OPERATOR),
			Map.entry("$perform-reindexing-pass", OPERATOR),
			Map.entry("$reindex-terminology", OPERATOR),
			Map.entry("$expunge", OPERATOR),
			Map.entry("$get-resource-counts", OPERATOR),
			Map.entry("$meta-add", OPERATOR),
			Map.entry("$meta-delete", OPERATOR));

	/**
	 * Operations that apply the alliance's rules to what they disclose themselves: recognition hands over other
	 * members' reports only as the recognition rules allow, the brand check answers about a public grant.
	 */
	private static final Set<String> DECIDE_THEIR_OWN_DISCLOSURE = Set.of("$recognizable", "$recognition", "$brand-check", "$recognition-rate");

	public static boolean decidesItsOwnDisclosure(String operation) {
		return operation != null && DECIDE_THEIR_OWN_DISCLOSURE.contains(operation);
	}

	/** Who owns a Subscription: the client that wrote it, as a tag the server sets. */
	public static final String SUBSCRIPTION_OWNER = "https://yilian.health/fhir/sid/client";

	static final String MRN = "https://yilian.health/fhir/sid/mrn/";
	static final String USCC = "https://yilian.health/fhir/sid/uscc";

	private final DaoRegistry daoRegistry;
	private final MemberRoll roll;
	private final PatientRecords patientRecords;
	private final SharingConsents sharing;
	private final ReferralSharing referrals;
	private final ClientRegistry clients;
	private final Clock clock;

	public AccessPolicy(DaoRegistry daoRegistry, MemberRoll roll, PatientRecords patientRecords, SharingConsents sharing, ReferralSharing referrals,
			ClientRegistry clients, Clock clock) {
		this.daoRegistry = daoRegistry;
		this.roll = roll;
		this.patientRecords = patientRecords;
		this.sharing = sharing;
		this.referrals = referrals;
		this.clients = clients;
		this.clock = clock;
	}

	/**
	 * Whether the policy names an interaction ({@code read}, {@code search-type} …, as a CapabilityStatement lists
	 * them) or an operation ({@code $validate}, {@code recognizable} …): a test enumerates the server's offer with it.
	 */
	public static boolean names(String interactionOrOperation) {
		String name = interactionOrOperation.startsWith("$") ? interactionOrOperation : "$" + interactionOrOperation;
		if (OPERATIONS.containsKey(name)) {
			return true;
		}
		return Stream.concat(READS.stream(), WRITES.stream()).anyMatch(i -> i.getCode().equals(interactionOrOperation));
	}

	public static Kind kindOf(String type) {
		return type == null ? Kind.OTHER : KINDS.getOrDefault(type, Kind.OTHER);
	}

	/** Whether every client reads every resource of this type (the directory and the guide). */
	public static boolean isPublic(String type) {
		Kind kind = kindOf(type);
		return kind == Kind.DIRECTORY || kind == Kind.GUIDE;
	}

	/** Callers whose reads are narrowed to what the table gives them; auditors and the operator read everything. */
	public static boolean narrowed(Caller caller) {
		return caller.is(SecurityProperties.Role.SYSTEM) || caller.is(SecurityProperties.Role.QC_CENTRE);
	}

	/**
	 * A caller shown everything it finds without asking resource by resource: not narrowed, and its scopes name every
	 * type. An auditor's or operator's token with fewer scopes is asked too ({@link #mayRead}), so that what a search
	 * includes or an operation answers stays within the types its scopes name.
	 */
	public static boolean seesEverything(Caller caller) {
		return !narrowed(caller) && (caller.hasScope("*", 'r') || caller.hasScope("*", 's'));
	}

	// ---------------------------------------------------------------- interactions and operations

	/** An interaction as it arrives (each batch and transaction entry too): refused unless the table names it. */
	public void checkInteraction(Caller caller, RestOperationTypeEnum interaction, String type, String operation) {
		if (interaction == RestOperationTypeEnum.METADATA) {
			return;
		}
		if (interaction == RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE || interaction == RestOperationTypeEnum.EXTENDED_OPERATION_TYPE
				|| interaction == RestOperationTypeEnum.EXTENDED_OPERATION_SERVER || interaction == RestOperationTypeEnum.META_ADD
				|| interaction == RestOperationTypeEnum.META_DELETE) {
			String name = operation == null ? interaction.getCode() : operation;
			Set<SecurityProperties.Role> who = OPERATIONS.get(name);
			if (who == null) {
				throw forbidden("yl-not-in-policy", name + " is not an operation the access policy names; nobody may call it");
			}
			if (!who.contains(caller.role())) {
				throw forbidden("yl-operation", name + " is for " + who.stream().map(r -> r.name().toLowerCase()).sorted().toList()
						+ ", not " + caller.clientId() + " (" + caller.role().name().toLowerCase() + ")");
			}
			if (DISCLOSES.containsKey(name) || kindOf(type) != Kind.GUIDE) {
				requireScope(caller, DISCLOSES.getOrDefault(name, type), 'r'); // $expand, $lookup … of the guide are everyone's
			}
			return;
		}
		if (WRITES.contains(interaction)) {
			if (caller.is(SecurityProperties.Role.AUDITOR)) {
				throw forbidden("yl-auditor-read-only", "auditors read everything and write nothing (" + caller.clientId() + ")");
			}
			return; // each resource written is checked as it is stored (checkWrite), transaction entries alike
		}
		if (!READS.contains(interaction)) {
			throw forbidden("yl-not-in-policy", interaction.getCode() + " is not an interaction the access policy names");
		}
		if (kindOf(type) == Kind.GUIDE) {
			return; // the guide (profiles, terminology, search parameters) is every client's to read: it is what feeds are built against
		}
		if (type != null && interaction != RestOperationTypeEnum.VALIDATE) {
			requireScope(caller, type, interaction == RestOperationTypeEnum.SEARCH_TYPE || interaction == RestOperationTypeEnum.HISTORY_TYPE ? 's' : 'r');
		} else if (interaction == RestOperationTypeEnum.SEARCH_SYSTEM || interaction == RestOperationTypeEnum.HISTORY_SYSTEM) {
			requireScope(caller, "*", 's');
		}
	}

	/** Operations that disclose another type than the one they are called on. */
	private static final Map<String, String> DISCLOSES = Map.of("$recognizable", "DiagnosticReport");

	/**
	 * An operation that acts for an organisation ({@code requester} of {@code $recognizable} and {@code $recognition}):
	 * a member system acts as itself; auditors and the operator name any. Returns the organisation to act for.
	 */
	public String actingFor(Caller caller, String requester) {
		if (caller == null || !narrowed(caller)) {
			if (requester == null || requester.isBlank()) {
				throw new ca.uhn.fhir.rest.server.exceptions.InvalidRequestException(
						"requester: required, the member asking (Organization/{id})");
			}
			return requester;
		}
		if (requester != null && !requester.isBlank() && !caller.actsFor(requester)) {
			throw forbidden("yl-acts-for", caller.clientId() + " acts for " + caller.organization() + " and asks as itself; requester "
					+ requester + " is another organisation (leave requester out, or name " + caller.organization() + ")");
		}
		return caller.organization();
	}

	/** Whether the caller may learn why a report is not recognisable for it: it may read the report, or is not narrowed. */
	public boolean mayAskWhy(Optional<Caller> caller, IBaseResource report) {
		return caller.isEmpty() || !narrowed(caller.get()) || mayRead(caller.get(), report, new java.util.HashMap<>());
	}

	/**
	 * The client registry ({@code /oauth2/register}, RFC 7591 and 7592): who may call the server is the operator's to
	 * decide, nobody else's.
	 */
	public boolean mayManageClients(Caller caller) {
		return caller.is(SecurityProperties.Role.OPERATOR);
	}

	/** {@code $recognition-rate} of a member: a member for itself, a lead for its alliance's members. */
	public void checkRateOf(Caller caller, String member) {
		if (!narrowed(caller) || caller.actsFor(member) || leadsAllianceOf(caller, member)) {
			return;
		}
		throw forbidden("yl-acts-for", caller.clientId() + " acts for " + caller.organization()
				+ "; the recognition rate of " + member + " is its own, its alliance lead's and the auditors'");
	}

	// ---------------------------------------------------------------- reads

	/**
	 * Whether the caller may see this resource, wherever it would appear: a read, a search, an include, a history
	 * entry, a page, a batch entry, an operation's answer, a conditional match, a notification. {@code memo} keeps
	 * answers about one person for the rest of one request.
	 */
	public boolean mayRead(Caller caller, IBaseResource resource, Map<String, Boolean> memo) {
		String type = resource.fhirType();
		if (kindOf(type) == Kind.GUIDE) {
			return true; // every client's, whatever its scopes (checkInteraction)
		}
		if (!caller.hasScope(type, 'r') && !caller.hasScope(type, 's')) {
			return false;
		}
		Kind kind = kindOf(type);
		if (!narrowed(caller) || kind == Kind.DIRECTORY) {
			return true;
		}
		if (caller.is(SecurityProperties.Role.QC_CENTRE)) {
			return false;
		}
		return switch (kind) {
			case CONSENT -> BrandGrants.isBrandGrant((Consent) resource) || recordsItsPatient(caller, ((Consent) resource).getPatient());
			case PATIENT -> ownsRecord(caller.organization(), (Patient) resource) || sharedByReferral(caller, resource, memo);
			case RESULT -> owns(caller, resource) || sharedByReferral(caller, resource, memo);
			case REFERRAL -> partyTo(caller, (ServiceRequest) resource);
			case TASK -> partyTo(caller, (Task) resource);
			case SUBSCRIPTION -> ownerOf((Subscription) resource).map(caller.clientId()::equals).orElse(false);
			case ASSESSMENT -> reporterOrItsLead(caller, ((MeasureReport) resource).getReporter().getReference());
			default -> false;
		};
	}

	/**
	 * A record of another hospital, shared through a referral ({@link ReferralSharing}): to the receiver the sender's
	 * records while the patient's sharing consent allows it in an alliance the receiver is in, to the sender the
	 * receiver's feedback.
	 */
	private boolean sharedByReferral(Caller caller, IBaseResource resource, Map<String, Boolean> memo) {
		String reference = resource.getIdElement().toUnqualifiedVersionless().getValue();
		Optional<String> subject = subjectOf(resource);
		if (subject.isEmpty() || !subject.get().startsWith("Patient/")) {
			return false;
		}
		String key = caller.organization() + " " + reference;
		Boolean known = memo.get(key);
		if (known != null) {
			return known;
		}
		List<String> person = patientRecords.samePerson(subject.get());
		List<ReferralSharing.Referral> ofPerson = referrals.of(person);
		boolean shared = ofPerson.stream().anyMatch(r -> r.feedsBackTo(caller.organization(), reference,
						r.receivers().stream().anyMatch(receiver -> ownedBy(resource, receiver))))
				|| ofPerson.stream().anyMatch(r -> r.sharesWithReceiver(caller.organization(), reference, ownedBy(resource, r.sender())))
						&& consentAllowsSharing(caller, person);
		memo.put(key, shared);
		return shared;
	}

	private boolean consentAllowsSharing(Caller caller, List<String> person) {
		var today = ClockConfig.today(clock);
		return roll.membershipsOf(caller.organization()).stream()
				.filter(m -> Memberships.inForceOn(m, today))
				.map(m -> roll.organization(m.getNetworkFirstRep().getReference()))
				.flatMap(Optional::stream)
				.anyMatch(alliance -> sharing.permits(person, alliance, today));
	}

	private static Optional<String> subjectOf(IBaseResource resource) {
		Reference subject = null;
		if (resource instanceof Patient patient) {
			subject = new Reference(patient.getIdElement().toUnqualifiedVersionless());
		} else if (resource instanceof DiagnosticReport report) {
			subject = report.getSubject();
		} else if (resource instanceof Observation result) {
			subject = result.getSubject();
		} else if (resource instanceof ImagingStudy study) {
			subject = study.getSubject();
		} else if (resource instanceof DocumentReference document) {
			subject = document.getSubject();
		}
		return subject == null || subject.getReference() == null ? Optional.empty()
				: Optional.of(new IdType(subject.getReference()).toUnqualifiedVersionless().getValue());
	}

	// ---------------------------------------------------------------- writes

	/**
	 * A write of one resource, as it is about to be stored: {@code stored} the version it replaces or deletes (null
	 * on create), {@code next} the new one (null on delete). The caller must be responsible for both.
	 */
	public void checkWrite(Caller caller, IBaseResource stored, IBaseResource next) {
		IBaseResource any = next != null ? next : stored;
		String type = any.fhirType();
		if (kindOf(type) == Kind.AUDIT) {
			throw forbidden("yl-audit-append-only", "the audit trail is written by the server alone; nobody creates, changes or deletes an AuditEvent");
		}
		if (caller.is(SecurityProperties.Role.AUDITOR)) {
			throw forbidden("yl-auditor-read-only", "auditors read everything and write nothing (" + caller.clientId() + ")");
		}
		requireScope(caller, type, stored == null ? 'c' : next == null ? 'd' : 'u');
		if (caller.is(SecurityProperties.Role.OPERATOR)) {
			return;
		}
		if (caller.is(SecurityProperties.Role.QC_CENTRE)) {
			checkQcCentreWrite(caller, stored, next);
			return;
		}
		if (next != null) {
			checkIdentifierNamespaces(caller, next);
		}
		switch (kindOf(type)) {
			case RESULT -> {
				for (IBaseResource version : versions(stored, next)) {
					require(caller, owns(caller, version), type + ".performer",
							"a hospital system writes only results its own organisation or departments performed (or documents it authored), "
									+ "the stored version and the new one alike");
				}
			}
			case PATIENT -> checkPatient(caller, (Patient) stored, (Patient) next);
			case REFERRAL -> checkReferral(caller, (ServiceRequest) stored, (ServiceRequest) next);
			case TASK -> checkTask(caller, (Task) stored, (Task) next);
			case CONSENT -> checkConsent(caller, (Consent) stored, (Consent) next);
			case SUBSCRIPTION -> checkSubscription(caller, (Subscription) stored, (Subscription) next);
			case DIRECTORY -> checkDirectory(caller, stored, next);
			default -> throw forbidden("yl-not-in-policy", type + ": hospital systems do not write this kind of resource (the access policy names "
					+ "results, documents, patients, referrals, their Tasks, consents, subscriptions and their own directory entries)");
		}
	}

	private static final java.util.regex.Pattern NAMESPACE = java.util.regex.Pattern.compile("^https://yilian\\.health/fhir/sid/[a-z-]+/([0-9A-Z]{18})$");

	/**
	 * An identifier in a hospital's namespace ({@code …/sid/mrn/{USCC}}, {@code …/sid/lis-report/{USCC}} …) is that
	 * hospital's to give: another's would file a second record under its number and block its own feed (a
	 * conditional update then matches two).
	 */
	private void checkIdentifierNamespaces(Caller caller, IBaseResource resource) {
		Optional<String> own = usccOf(caller.organization());
		for (org.hl7.fhir.r4.model.Identifier identifier : identifiers(resource)) {
			java.util.regex.Matcher namespace = NAMESPACE.matcher(identifier.getSystem() == null ? "" : identifier.getSystem());
			if (namespace.matches()) {
				require(caller, own.map(namespace.group(1)::equals).orElse(false), resource.fhirType() + ".identifier",
						identifier.getSystem() + " is the namespace of another organisation; identifiers in a hospital's namespace are its own ("
								+ own.map(u -> "…/" + u).orElse("none for this client") + ")");
			}
		}
	}

	private static List<org.hl7.fhir.r4.model.Identifier> identifiers(IBaseResource resource) {
		var fhir = ca.uhn.fhir.context.FhirContext.forR4Cached();
		if (fhir.getResourceDefinition(resource).getChildByName("identifier") == null) {
			return List.of();
		}
		return fhir.newTerser().getValues(resource, resource.fhirType() + ".identifier", org.hl7.fhir.r4.model.Identifier.class);
	}

	/**
	 * What a member system writes refers only to records it may read (the directory and the guide always): a reference
	 * to another hospital's record would tell whether it exists and, searched through, what it holds. A reference to a
	 * record that does not exist is refused alike. Not asked of records written in the same transaction (each is
	 * checked as it is stored), nor of a recognition decision's report and patient, which are another hospital's by
	 * nature (handed over by {@code $recognizable}), nor of a brand grant's request letter, the member's own.
	 */
	public void checkReferences(Caller caller, IBaseResource resource, java.util.function.Predicate<String> writtenInThisTransaction,
			Map<String, Boolean> memo) {
		if (!caller.is(SecurityProperties.Role.SYSTEM)) {
			return;
		}
		java.util.Set<Object> exempt = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
		if (resource instanceof Task task && TaskKind.RECOGNITION_DECISION.of(task)) {
			exempt.add(task.getFocus());
			exempt.add(task.getFor());
		}
		if (resource instanceof Consent grant && BrandGrants.isBrandGrant(grant) && grant.getSource() instanceof Reference letter) {
			exempt.add(letter); // the member's written request, addressed to the lead that grants
		}
		for (var info : ca.uhn.fhir.context.FhirContext.forR4Cached().newTerser().getAllResourceReferences(resource)) {
			if (exempt.contains(info.getResourceReference())) {
				continue;
			}
			String value = info.getResourceReference().getReferenceElement().getValue();
			if (value == null || value.startsWith("#") || value.startsWith("urn:") || value.contains("?")) {
				continue;
			}
			// An absolute URL is taken for what it names here: HAPI stores one of this server's base as a local reference.
			IdType target = new IdType(value).toUnqualifiedVersionless();
			if (!target.hasResourceType() || !target.hasIdPart() || !daoRegistry.isResourceTypeSupported(target.getResourceType())
					|| isPublic(target.getResourceType()) || writtenInThisTransaction.test(target.getValue())) {
				continue;
			}
			boolean visible;
			try {
				visible = mayRead(caller, daoRegistry.getResourceDao(target.getResourceType()).read(target, new SystemRequestDetails()), memo);
			} catch (ResourceNotFoundException | ResourceGoneException | ca.uhn.fhir.rest.server.exceptions.InvalidRequestException e) {
				visible = false;
			}
			if (!visible) {
				throw forbidden("yl-reference", resource.fhirType() + "." + info.getName() + ": " + target.getValue()
						+ " is not a record " + caller.clientId() + " may read (or it does not exist); refer to its own records,"
						+ " those a referral shares with it, and the directory");
			}
		}
	}

	private void checkPatient(Caller caller, Patient stored, Patient next) {
		if (stored != null) {
			require(caller, ownsRecord(caller.organization(), stored), "Patient.identifier",
					"a hospital changes only its own patient records (those with its record number)");
		}
		if (next != null) {
			List<String> numbers = next.getIdentifier().stream().map(i -> i.getSystem()).filter(s -> s != null && s.startsWith(MRN)).toList();
			Optional<String> own = usccOf(caller.organization()).map(u -> MRN + u);
			require(caller, own.isPresent() && numbers.contains(own.get()) && numbers.stream().allMatch(own.get()::equals), "Patient.identifier",
					"a hospital's patient record carries its own record number (" + own.orElse(MRN + "{its USCC}") + "|…) and no other hospital's");
		}
	}

	private void checkReferral(Caller caller, ServiceRequest stored, ServiceRequest next) {
		for (ServiceRequest version : versions(stored, next)) {
			require(caller, referrals.organizationOf(version.getRequester()).map(caller::actsFor).orElse(false), "ServiceRequest.requester",
					"a referral is sent, changed and withdrawn by its requester");
		}
		if (next != null) {
			require(caller, recordsItsPatient(caller, next.getSubject()), "ServiceRequest.subject",
					"a hospital refers only a patient it holds its own record of: the subject must be its own Patient record, not "
							+ next.getSubject().getReference());
		}
	}

	private void checkTask(Caller caller, Task stored, Task task) {
		if (task == null) {
			require(caller, false, "Task", "referral and recognition Tasks are never deleted: cancel or complete them");
		}
		if (stored != null) {
			require(caller, kindOf(stored).equals(kindOf(task)), "Task.code", "a Task stays the kind it was made as ("
					+ kindOf(stored) + ")");
		}
		if (TaskKind.RECOGNITION_DECISION.of(task)) {
			for (Task version : versions(stored, task)) {
				require(caller, caller.actsFor(version.getOwner().getReference()), "Task.owner", "a recognition decision is recorded by the deciding hospital");
			}
			return;
		}
		boolean sender = party(caller, task.getRequester());
		boolean receiver = party(caller, task.getOwner());
		if (stored == null) {
			require(caller, sender, "Task.requester", "a referral or cancellation request is made by its sender");
			require(caller, !task.hasOutput(), "Task.output", "the feedback of a referral (Task.output) is the receiver's to record, later");
			return;
		}
		require(caller, party(caller, stored.getRequester()) || party(caller, stored.getOwner()), "Task",
				"only the sender and the receiver of a referral change its Task");
		require(caller, Objects.equals(ref(stored.getRequester()), ref(task.getRequester())) && Objects.equals(ref(stored.getOwner()), ref(task.getOwner())),
				"Task.requester", "the sender and the receiver of a referral Task do not change");
		if (stored.getStatus() != task.getStatus()) {
			// Before in-progress the sender cancels; after it, the receiver does, once it has agreed to the sender's
			// cancellation request (the referral rules check the agreement).
			boolean senderMove = task.getStatus() == Task.TaskStatus.CANCELLED && TaskKind.REFERRAL.of(task)
					&& stored.getStatus() != Task.TaskStatus.INPROGRESS;
			require(caller, senderMove ? sender : receiver, "Task.status", senderMove
					? "only the sender cancels a referral before it is in progress"
					: "only the receiving organisation, " + task.getOwner().getReference() + ", moves this task to " + task.getStatus().toCode());
		}
		if (!outputs(stored).equals(outputs(task))) {
			require(caller, receiver, "Task.output", "the feedback of a referral (Task.output) is the receiver's to record");
		}
	}

	private static java.util.Set<String> kindOf(Task task) {
		return task.getCode().getCoding().stream().filter(c -> TaskKind.SYSTEM.equals(c.getSystem())).map(Coding::getCode)
				.collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
	}

	private static List<String> outputs(Task task) {
		return task.getOutput().stream().map(o -> String.valueOf(o.getValue() == null ? null : o.getValue().primitiveValue()) + " "
				+ (o.getValue() instanceof Reference r ? r.getReference() : "")).toList();
	}

	private void checkConsent(Caller caller, Consent stored, Consent next) {
		for (Consent version : versions(stored, next)) {
			if (BrandGrants.isBrandGrant(version)) {
				require(caller, leads(caller, version.getOrganizationFirstRep().getReference()), "Consent.organization",
						"only the alliance's lead hospital grants or revokes its brand");
			} else {
				require(caller, recordsItsPatient(caller, version.getPatient()), "Consent.patient",
						"a sharing consent is recorded by a hospital that holds its own record of the patient: Consent.patient must be that record");
			}
		}
		if (next != null && !BrandGrants.isBrandGrant(next)) {
			String patient = ref(next.getPatient());
			require(caller, next.getPerformer().stream().anyMatch(p -> Objects.equals(patient, ref(p))), "Consent.performer",
					"the patient is the one who consents: Consent.performer must name " + patient);
			require(caller, next.hasSource(), "Consent.source[x]",
					"the signed consent form is referenced: sourceAttachment (the scanned form) or sourceReference (a DocumentReference)");
		}
	}

	private void checkSubscription(Caller caller, Subscription stored, Subscription next) {
		if (stored != null) {
			require(caller, ownerOf(stored).map(caller.clientId()::equals).orElse(false), "Subscription",
					"a subscription is changed and deleted by the client that made it");
		}
		if (next == null) {
			return;
		}
		List<String> endpoints = clients.find(caller.clientId())
				.map(SecurityProperties.Client::subscriptionEndpoints).orElse(List.of());
		String endpoint = next.getChannel().getEndpoint();
		require(caller, next.getChannel().getType() == Subscription.SubscriptionChannelType.RESTHOOK && endpoint != null
						&& normalised(endpoint) && endpoints.stream().anyMatch(endpoint::startsWith), "Subscription.channel.endpoint",
				"a subscription delivers by rest-hook to an endpoint registered for its client (" + caller.clientId() + ": "
						+ (endpoints.isEmpty() ? "none registered, ask the operator" : String.join(", ", endpoints)) + ")");
		String criteriaType = next.getCriteria() == null ? "" : next.getCriteria().split("\\?", 2)[0];
		require(caller, caller.hasScope(criteriaType, 'r') || caller.hasScope(criteriaType, 's'), "Subscription.criteria",
				"a client subscribes only to resources it may read (its scopes cover no read of '" + criteriaType + "')");
	}

	/** A plain absolute URL: no {@code ..} or {@code .} segments, user info or fragment that could lead past a registered prefix. */
	private static boolean normalised(String endpoint) {
		try {
			java.net.URI uri = new java.net.URI(endpoint);
			return uri.isAbsolute() && uri.getRawUserInfo() == null && uri.getRawFragment() == null
					&& uri.normalize().toString().equals(endpoint) && !uri.getRawPath().contains("%2e") && !uri.getRawPath().contains("%2E");
		} catch (java.net.URISyntaxException e) {
			return false;
		}
	}

	/** The client a Subscription belongs to, from the tag the server sets when it is written. */
	public static Optional<String> ownerOf(Subscription subscription) {
		return subscription.getMeta().getTag().stream().filter(t -> SUBSCRIPTION_OWNER.equals(t.getSystem())).map(Coding::getCode).findFirst();
	}

	/** The owner of a subscription as a caller, with its registered organisation, role and scopes. */
	public Optional<Caller> ownerAsCaller(Subscription subscription) {
		return ownerOf(subscription).flatMap(id -> clients.find(id)
				.map(c -> new Caller(id, c.organization(), c.role(), c.scopes())));
	}

	private void checkDirectory(Caller caller, IBaseResource stored, IBaseResource next) {
		IBaseResource any = next != null ? next : stored;
		if (any instanceof Organization) {
			checkOrganization(caller, (Organization) stored, (Organization) next);
		} else if (any instanceof OrganizationAffiliation) {
			for (OrganizationAffiliation version : versions((OrganizationAffiliation) stored, (OrganizationAffiliation) next)) {
				require(caller, leads(caller, version.getNetworkFirstRep().getReference()), "OrganizationAffiliation.network",
						"only the alliance's lead hospital creates, suspends or ends its memberships");
			}
		} else {
			for (IBaseResource version : versions(stored, next)) {
				require(caller, directoryOwner(version).map(o -> caller.actsForAnyOf(roll.partOfChain(o))).orElse(false),
						any.fhirType(), "a hospital maintains the directory entries of its own organisation (practitioners are the operator's)");
			}
		}
	}

	private static Optional<String> directoryOwner(IBaseResource resource) {
		Reference owner = null;
		if (resource instanceof PractitionerRole role) {
			owner = role.getOrganization();
		} else if (resource instanceof Location location) {
			owner = location.getManagingOrganization();
		} else if (resource instanceof HealthcareService service) {
			owner = service.getProvidedBy();
		} else if (resource instanceof Endpoint endpoint) {
			owner = endpoint.getManagingOrganization();
		}
		return owner == null ? Optional.empty() : Optional.ofNullable(owner.getReference());
	}

	/**
	 * A hospital edits its own contact details and its departments, never what the operator or a QC centre answers
	 * for: grade and licence, {@code active} of a hospital, {@code partOf} across hospitals, QC qualifications (no
	 * self-certification), and alliances (the registry: their lead, members' policies and kind are the operator's; a
	 * lead manages its alliance's memberships and brand grants, not its record).
	 */
	private void checkOrganization(Caller caller, Organization stored, Organization next) {
		Organization any = next != null ? next : stored;
		String id = any.getIdElement().toUnqualifiedVersionless().getValue();
		if (stored != null && isDepartmentOf(caller, stored) || stored == null && next != null && isDepartmentOf(caller, next)) {
			for (Organization version : versions(stored, next)) {
				require(caller, isDepartmentOf(caller, version), "Organization.partOf",
						"a hospital's department is part of that hospital and is not an alliance; moving one into another hospital, "
								+ "or registering an alliance, is the operator's");
			}
			require(caller, stored == null || next == null ? !any.hasExtension(QcStanding.QUALIFICATION) && grades(any).isEmpty()
					: qualifications(stored).equals(qualifications(next)) && grades(stored).equals(grades(next)), "Organization.extension",
					"QC qualifications come from the QC centre that issued them and grades from the operator, never from the hospital itself");
			return;
		}
		require(caller, stored != null && next != null && caller.actsFor(id), "Organization",
				"a hospital maintains its own Organization and its departments; hospitals and alliances are registered, changed and "
						+ "removed by the operator");
		require(caller, sameExcept(stored, next, o -> {
			o.setTelecom(null);
			o.setAddress(null);
			o.setContact(null);
			o.setAlias(null);
		}), "Organization", "a hospital changes its own contact details (telecom, address, contact, alias); grade, licence, name, active, "
				+ "partOf and QC qualifications are the operator's and the QC centres'");
	}

	/** Part of the caller's hospital, not graded, and not an alliance in disguise (kind or any of an alliance's settings). */
	private boolean isDepartmentOf(Caller caller, Organization organization) {
		boolean allianceLike = organization.getType().stream().flatMap(t -> t.getCoding().stream())
				.anyMatch(c -> ORGANIZATION_KIND.equals(c.getSystem()) && "alliance".equals(c.getCode()))
				|| organization.getExtension().stream().anyMatch(e -> e.getUrl() != null && ALLIANCE_SETTINGS.contains(e.getUrl()));
		return !allianceLike && organization.hasPartOf() && grades(organization).isEmpty()
				&& caller.actsForAnyOf(roll.partOfChain(organization.getPartOf().getReference()));
	}

	private static final String ORGANIZATION_KIND = "https://yilian.health/fhir/CodeSystem/yilian-organization-kind";
	private static final Set<String> ALLIANCE_SETTINGS = Set.of(Memberships.LEAD_HOSPITAL,
			"https://yilian.health/fhir/StructureDefinition/yilian-green-channel-acceptance-hours",
			"https://yilian.health/fhir/StructureDefinition/yilian-recognition-policy", SharingConsents.POLICY);

	private static List<String> grades(Organization organization) {
		return organization.getType().stream().flatMap(t -> t.getCoding().stream())
				.filter(c -> health.yilian.membership.HospitalLevels.GRADES.equals(c.getSystem())).map(Coding::getCode).toList();
	}

	private static List<String> qualifications(Organization organization) {
		List<String> encoded = new ArrayList<>();
		organization.getExtensionsByUrl(QcStanding.QUALIFICATION).forEach(q -> encoded.add(encode(q)));
		return encoded.stream().sorted().toList();
	}

	private static String encode(Extension extension) {
		return ca.uhn.fhir.context.FhirContext.forR4Cached().newJsonParser().encodeToString(extension);
	}

	/** A QC centre changes only the QC qualifications it issues, for the items it assesses, and nothing else. */
	private void checkQcCentreWrite(Caller caller, IBaseResource stored, IBaseResource next) {
		require(caller, stored instanceof Organization && next instanceof Organization, "Organization.extension",
				"a QC centre records QC qualifications on the assessed department's Organization, and writes nothing else");
		Organization before = (Organization) stored;
		Organization after = (Organization) next;
		Function<Organization, List<String>> others = o -> o.getExtensionsByUrl(QcStanding.QUALIFICATION).stream()
				.filter(q -> !issuedBy(caller, q)).map(AccessPolicy::encode).sorted().toList();
		require(caller, others.apply(before).equals(others.apply(after)) && sameExcept(before, after, o -> o.getExtension()
				.removeIf(e -> QcStanding.QUALIFICATION.equals(e.getUrl()))), "Organization.extension",
				"a QC centre changes only the qualifications it issued itself (issuer " + caller.organization() + ")");
		List<String> items = clients.find(caller.clientId()).map(SecurityProperties.Client::qcItems).orElse(List.of());
		after.getExtensionsByUrl(QcStanding.QUALIFICATION).stream().filter(q -> issuedBy(caller, q))
				.flatMap(q -> q.getExtensionsByUrl(QcStanding.ITEM).stream())
				.map(i -> ((Coding) i.getValue()).getCode())
				.forEach(item -> require(caller, items.contains(item), "Organization.extension",
						"QC item " + item + " is not one " + caller.clientId() + " assesses (" + String.join(", ", items) + ")"));
	}

	private static boolean issuedBy(Caller caller, Extension qualification) {
		Extension issuer = qualification.getExtensionByUrl("issuer");
		return issuer != null && issuer.getValue() instanceof Reference r && caller.actsFor(r.getReference());
	}

	private static boolean sameExcept(Organization a, Organization b, java.util.function.Consumer<Organization> blank) {
		Organization x = a.copy();
		Organization y = b.copy();
		for (Organization o : List.of(x, y)) {
			o.setMeta(null);
			o.setText(null);
			blank.accept(o);
		}
		return x.equalsDeep(y);
	}

	// ---------------------------------------------------------------- who is responsible for what

	/** Performed (or, for a document, authored or kept) by the caller's organisation or one of its departments. */
	private boolean owns(Caller caller, IBaseResource resource) {
		return ownedBy(resource, caller.organization());
	}

	/** Whether {@code organization} is responsible for a result, a document or a patient record. */
	private boolean ownedBy(IBaseResource resource, String organization) {
		if (resource instanceof Patient patient) {
			return ownsRecord(organization, patient);
		}
		List<Reference> responsible = List.of();
		if (resource instanceof DiagnosticReport report) {
			responsible = report.getPerformer();
		} else if (resource instanceof Observation result) {
			responsible = result.getPerformer();
		} else if (resource instanceof ImagingStudy study) {
			responsible = study.getSeries().stream().flatMap(s -> s.getPerformer().stream()).map(p -> p.getActor()).toList();
		} else if (resource instanceof DocumentReference document) {
			responsible = Stream.concat(document.getAuthor().stream(), Stream.of(document.getCustodian())).toList();
		}
		return organization != null && responsible.stream().anyMatch(p -> roll.partOfChain(p.getReference()).stream()
				.anyMatch(o -> organization.equals(o.getIdElement().toUnqualifiedVersionless().getValue())));
	}

	/** A patient record is a hospital's when it carries that hospital's record number (MRN system of its USCC). */
	private boolean ownsRecord(String organization, Patient patient) {
		Optional<String> uscc = usccOf(organization);
		return uscc.isPresent() && patient.getIdentifier().stream().anyMatch(i -> (MRN + uscc.get()).equals(i.getSystem()));
	}

	private boolean recordsItsPatient(Caller caller, Reference patient) {
		String reference = ref(patient);
		if (reference == null || !reference.startsWith("Patient/")) {
			return false;
		}
		return read(Patient.class, reference).map(p -> ownsRecord(caller.organization(), p)).orElse(false);
	}

	private Optional<String> usccOf(String organization) {
		return organization == null ? Optional.empty() : roll.organization(organization).flatMap(o -> o.getIdentifier().stream()
				.filter(i -> USCC.equals(i.getSystem())).map(i -> i.getValue()).findFirst());
	}

	private boolean partyTo(Caller caller, ServiceRequest referral) {
		return party(caller, referral.getRequester()) || referral.getPerformer().stream().anyMatch(p -> party(caller, p));
	}

	private boolean partyTo(Caller caller, Task task) {
		if (party(caller, task.getRequester()) || party(caller, task.getOwner())) {
			return true;
		}
		// A recognition decision is also the performing hospital's to read: how its report was received.
		return TaskKind.RECOGNITION_DECISION.of(task) && ref(task.getFocus()) != null && ref(task.getFocus()).startsWith("DiagnosticReport/")
				&& read(DiagnosticReport.class, ref(task.getFocus())).map(r -> owns(caller, r)).orElse(false);
	}

	private boolean party(Caller caller, Reference party) {
		return party != null && party.hasReference() && referrals.organizationOf(party).map(caller::actsFor).orElse(false);
	}

	private boolean leads(Caller caller, String alliance) {
		if (alliance == null || !alliance.startsWith("Organization/")) {
			return false;
		}
		return roll.organization(alliance).flatMap(Memberships::leadOf).map(caller::actsFor).orElse(false);
	}

	private boolean leadsAllianceOf(Caller caller, String member) {
		return roll.membershipsOf(new IdType(member).toUnqualifiedVersionless().getValue()).stream()
				.anyMatch(m -> leads(caller, m.getNetworkFirstRep().getReference()));
	}

	private boolean reporterOrItsLead(Caller caller, String reporter) {
		return reporter != null && (caller.actsFor(reporter) || leadsAllianceOf(caller, reporter));
	}

	private <T extends IBaseResource> Optional<T> read(Class<T> type, String reference) {
		try {
			return Optional.of(daoRegistry.getResourceDao(type).read(new IdType(reference), new SystemRequestDetails()));
		} catch (ResourceNotFoundException | ResourceGoneException e) {
			return Optional.empty();
		}
	}

	private static String ref(Reference reference) {
		return reference == null || reference.getReference() == null ? null
				: new IdType(reference.getReference()).toUnqualifiedVersionless().getValue();
	}

	@SafeVarargs
	private static <T> List<T> versions(T... versions) {
		return Stream.of(versions).filter(Objects::nonNull).toList();
	}

	private static void requireScope(Caller caller, String type, char action) {
		if (type == null || caller.hasScope(type, action) || (action == 'r' && caller.hasScope(type, 's'))) {
			return;
		}
		throw forbidden("yl-scope", "client " + caller.clientId() + " has no scope for '" + action + "' on " + type
				+ " (it has " + caller.scopes() + "); it needs e.g. system/" + type + "." + action);
	}

	private static void require(Caller caller, boolean allowed, String element, String rule) {
		if (!allowed) {
			throw forbidden("yl-acts-for", caller.clientId() + " acts for " + caller.organization() + "; " + element + ": " + rule);
		}
	}

	static ForbiddenOperationException forbidden(String rule, String message) {
		OperationOutcome outcome = new OperationOutcome();
		outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(OperationOutcome.IssueType.FORBIDDEN)
				.setDiagnostics(rule + ": " + message);
		return new ForbiddenOperationException(rule + ": " + message, outcome);
	}
}
