package health.yilian.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import health.yilian.branding.BrandGrants;
import health.yilian.guide.TaskKind;
import health.yilian.membership.MemberRoll;
import health.yilian.membership.Memberships;
import health.yilian.server.YilianInterceptor;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.OrganizationAffiliation;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.springframework.stereotype.Component;

/**
 * A hospital system writes only what its organisation is responsible for ({@code yl-acts-for}, 403 otherwise):
 * <ul>
 *   <li>reports and results it performed (its own departments count);</li>
 *   <li>referrals it sends; on a referral Task only the receiver moves received … completed or failed, and only
 *       the sender cancels (CA:eReC); cancellation requests by the sender, answered by the receiver;</li>
 *   <li>recognition decisions of its own doctors;</li>
 *   <li>memberships and brand grants only as the alliance's lead hospital;</li>
 *   <li>its own Organization and its departments, and the alliances it leads.</li>
 * </ul>
 * Patients, sharing consents and subscriptions are any member's to record. Operators are bound to no organisation;
 * the server's own writes (demo loading, memberships ending with their organisation) are not checked.
 */
@Component
@Interceptor(order = -900)
public class Responsibility implements YilianInterceptor {

	private final MemberRoll roll;

	public Responsibility(MemberRoll roll) {
		this.roll = roll;
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void created(IBaseResource resource, RequestDetails request) {
		caller(request).ifPresent(caller -> check(caller, null, resource));
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
		caller(request).ifPresent(caller -> check(caller, previous, resource));
	}

	private static Optional<Caller> caller(RequestDetails request) {
		if (request == null || request instanceof SystemRequestDetails) {
			return Optional.empty();
		}
		return Caller.current().filter(c -> c.role() == SecurityProperties.Role.SYSTEM);
	}

	private void check(Caller caller, IBaseResource previous, IBaseResource resource) {
		if (resource instanceof DiagnosticReport report) {
			requirePerformer(caller, report.getPerformer(), "DiagnosticReport.performer");
		} else if (resource instanceof Observation result) {
			requirePerformer(caller, result.getPerformer(), "Observation.performer");
		} else if (resource instanceof ServiceRequest referral) {
			require(caller, caller.actsFor(referral.getRequester().getReference()), "ServiceRequest.requester", "a referral is sent by its requester");
		} else if (resource instanceof Task task) {
			checkTask(caller, (Task) previous, task);
		} else if (resource instanceof OrganizationAffiliation membership) {
			require(caller, leads(caller, membership.getNetworkFirstRep().getReference()), "OrganizationAffiliation.network",
					"only the alliance's lead hospital creates, suspends or ends its memberships");
		} else if (resource instanceof Consent consent && BrandGrants.isBrandGrant(consent)) {
			require(caller, leads(caller, consent.getOrganizationFirstRep().getReference()), "Consent.organization",
					"only the alliance's lead hospital grants or revokes its brand");
		} else if (resource instanceof Organization organization) {
			String id = organization.getIdElement().toUnqualifiedVersionless().getValue();
			boolean own = caller.actsFor(id) || (organization.hasPartOf() && caller.actsFor(organization.getPartOf().getReference()));
			boolean led = Memberships.leadOf(organization).map(caller::actsFor).orElse(false);
			require(caller, own || led, "Organization", "a hospital maintains its own Organization, its departments and the alliances it leads");
		}
	}

	private void checkTask(Caller caller, Task before, Task task) {
		if (TaskKind.RECOGNITION_DECISION.of(task)) {
			require(caller, caller.actsFor(task.getOwner().getReference()), "Task.owner", "a recognition decision is recorded by the deciding hospital");
			return;
		}
		boolean sender = caller.actsFor(task.getRequester().getReference());
		boolean receiver = caller.actsFor(task.getOwner().getReference());
		if (before == null) {
			require(caller, sender, "Task.requester", "a referral or cancellation request is made by its sender");
		} else if (before.getStatus() != task.getStatus()) {
			boolean senderMove = task.getStatus() == Task.TaskStatus.CANCELLED && TaskKind.REFERRAL.of(task);
			require(caller, senderMove ? sender : receiver, "Task.status", senderMove
					? "only the sender cancels a referral"
					: "only the receiving organisation, " + task.getOwner().getReference() + ", moves this task to " + task.getStatus().toCode());
		} else {
			require(caller, sender || receiver, "Task", "only the sender and the receiver of a referral change its Task");
		}
	}

	private void requirePerformer(Caller caller, List<Reference> performers, String element) {
		boolean own = performers.stream().anyMatch(p -> caller.actsForAnyOf(roll.partOfChain(p.getReference())));
		require(caller, own, element, "a hospital system writes only results its own organisation or departments performed");
	}

	private boolean leads(Caller caller, String alliance) {
		if (alliance == null || !alliance.startsWith("Organization/")) {
			return false;
		}
		return roll.organization(alliance).flatMap(Memberships::leadOf).map(caller::actsFor).orElse(false);
	}

	private static void require(Caller caller, boolean allowed, String element, String rule) {
		if (!allowed) {
			throw ScopeCheck.forbidden("yl-acts-for", caller.clientId() + " acts for " + caller.organization() + "; " + element + ": " + rule);
		}
	}
}
