package health.yilian.referral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import health.yilian.membership.AllianceFixtures;
import health.yilian.server.FhirServerTestSupport;
import health.yilian.server.TestClock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Date;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OrganizationAffiliation;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two-way referral between members (000 art.21, 001, 002 §3.2.5, 003), driven as the hospitals' HIS would. */
class ReferralTest extends FhirServerTestSupport {

	private static final String REJECTION_REASONS = "https://yilian.health/fhir/CodeSystem/yilian-referral-rejection-reason";

	private AllianceFixtures fixtures;
	private String county;
	private String alliance;
	private String township;
	private Date now;

	@BeforeEach
	void aCountyCommunityWithItsTownshipCentre() {
		fixtures = new AllianceFixtures(fhir);
		county = fixtures.hospital("Organization-deyang-peoples-hospital", "中江县人民医院");
		alliance = fixtures.alliance(county, "中江县医共体");
		township = fixtures.hospital("Organization-chengbei-community-health-centre", "中江县仓山镇卫生院");
		fixtures.membership(county, alliance, LocalDate.of(2024, 1, 1));
		fixtures.membership(township, alliance, LocalDate.of(2024, 1, 1));
		now = Date.from(TestClock.TODAY.atTime(7, 45).atZone(ZoneId.of("Asia/Shanghai")).toInstant());
	}

	@Test
	void aChestPainPatientIsReferredUpThroughTheGreenChannelAcceptedCompletedAndReferredDown() {
		String[] up = refer(township, county, "up", "green");
		Task task = fhir.read().resource(Task.class).withUrl(up[1]).execute();
		// the alliance's green channel gives the county hospital 2 hours to accept
		assertThat(task.getRestriction().getPeriod().getEnd()).isEqualTo(new Date(now.getTime() + 2 * 3600_000L));

		task = move(task, Task.TaskStatus.RECEIVED);
		task = move(task, Task.TaskStatus.ACCEPTED);
		task = move(task, Task.TaskStatus.INPROGRESS);
		String[] down = refer(county, township, "down", "standard", up[0]);
		task.addOutput().setType(new CodeableConcept().setText("下转康复申请 down-referral")).setValue(new Reference(down[0]));
		task = move(task, Task.TaskStatus.COMPLETED);

		assertThat(task.getStatus()).isEqualTo(Task.TaskStatus.COMPLETED);
		ServiceRequest downReferral = fhir.read().resource(ServiceRequest.class).withUrl(down[0]).execute();
		assertThat(downReferral.getBasedOnFirstRep().getReference()).isEqualTo(up[0]);
		Bundle referredDown = fhir.search().forResource(ServiceRequest.class)
				.where(ServiceRequest.REQUESTER.hasId(county))
				.and(ServiceRequest.BASED_ON.hasAnyOfIds(up[0]))
				.returnBundle(Bundle.class).execute();
		assertThat(referredDown.getEntry()).hasSize(1);
	}

	@Test
	void upAndDownReferralsPerMemberAreCountedBySearchForTheAssessment() {
		refer(township, county, "up", "green");
		refer(township, county, "up", "standard");
		refer(county, township, "down", "standard");

		assertThat(count("ServiceRequest?direction=up&requester=" + township + "&authored=ge2026-01-01&authored=lt2027-01-01")).isEqualTo(2);
		assertThat(count("ServiceRequest?direction=down&requester=" + county + "&authored=ge2026-01-01&authored=lt2027-01-01")).isEqualTo(1);
		assertThat(count("ServiceRequest?channel=green&performer=" + county)).isEqualTo(1);
	}

	private int count(String search) {
		return fhir.search().byUrl(search + "&_summary=count").returnBundle(Bundle.class).execute().getTotal();
	}

	@Test
	void aReferralIsReceivedBeforeItIsAcceptedOrRejected() {
		Task task = fhir.read().resource(Task.class).withUrl(refer(township, county, "up", "green")[1]).execute();
		assertThatThrownBy(() -> move(task, Task.TaskStatus.ACCEPTED))
				.isInstanceOf(UnprocessableEntityException.class).hasMessageContaining("yl-referral-transition").hasMessageContaining("received");
	}

	@Test
	void aRejectionCarriesItsCodedReason() {
		Task task = move(fhir.read().resource(Task.class).withUrl(refer(township, county, "up", "green")[1]).execute(), Task.TaskStatus.RECEIVED);
		task.setStatusReason(new CodeableConcept(new Coding(REJECTION_REASONS, "no-capacity", "床位或接诊能力不足")));

		assertThat(move(task, Task.TaskStatus.REJECTED).getStatusReason().getCodingFirstRep().getCode()).isEqualTo("no-capacity");
	}

	@Test
	void theSenderMayCancelBeforeInProgressButNotAfter() {
		Task early = fhir.read().resource(Task.class).withUrl(refer(township, county, "up", "standard")[1]).execute();
		assertThat(move(early, Task.TaskStatus.CANCELLED).getStatus()).isEqualTo(Task.TaskStatus.CANCELLED);

		Task late = fhir.read().resource(Task.class).withUrl(refer(township, county, "up", "standard")[1]).execute();
		late = move(move(move(late, Task.TaskStatus.RECEIVED), Task.TaskStatus.ACCEPTED), Task.TaskStatus.INPROGRESS);
		Task inProgress = late;
		assertThatThrownBy(() -> move(inProgress, Task.TaskStatus.CANCELLED))
				.isInstanceOf(UnprocessableEntityException.class)
				.hasMessageContaining("yl-referral-transition")
				.hasMessageContaining("yilian-referral-cancellation");
	}

	@Test
	void afterInProgressTheSenderAsksToCancelAndTheReceiverAgreesThenCancels() {
		Task task = fhir.read().resource(Task.class).withUrl(refer(township, county, "up", "standard")[1]).execute();
		Task early = cancellationRequest(task, township);
		assertThatThrownBy(() -> fhir.create().resource(early).execute())
				.isInstanceOf(UnprocessableEntityException.class)
				.hasMessageContaining("yl-cancellation-in-progress")
				.hasMessageContaining("cancels it directly");
		task = move(move(move(task, Task.TaskStatus.RECEIVED), Task.TaskStatus.ACCEPTED), Task.TaskStatus.INPROGRESS);

		Task byReceiver = cancellationRequest(task, county);
		assertThatThrownBy(() -> fhir.create().resource(byReceiver).execute())
				.isInstanceOf(UnprocessableEntityException.class)
				.hasMessageContaining("yl-cancellation-sender");
		Task request = cancellationRequest(task, township);
		request.setId(fhir.create().resource(request).execute().getId().toUnqualifiedVersionless());
		Task pending = task;
		assertThatThrownBy(() -> move(pending, Task.TaskStatus.CANCELLED)).isInstanceOf(UnprocessableEntityException.class);

		request.setStatus(Task.TaskStatus.COMPLETED);
		fhir.update().resource(request).execute();
		assertThat(move(task, Task.TaskStatus.CANCELLED).getStatus()).isEqualTo(Task.TaskStatus.CANCELLED);
	}

	private Task cancellationRequest(Task referralTask, String from) {
		Task request = new Task();
		request.setStatus(Task.TaskStatus.REQUESTED).setIntent(Task.TaskIntent.ORDER);
		request.getCode().addCoding(new Coding("https://yilian.health/fhir/CodeSystem/yilian-task-kind", "cancellation-request", "转诊取消申请"));
		request.setFocus(new Reference(referralTask.getIdElement().toUnqualifiedVersionless()));
		request.setFor(referralTask.getFor());
		request.setAuthoredOn(now);
		request.setRequester(new Reference(from));
		request.setOwner(referralTask.getOwner());
		request.setReasonCode(new CodeableConcept().setText("患者家属要求转回当地治疗"));
		return request;
	}

	@Test
	void theReceiverListsItsOpenReferralsWithRequestAndPatientInOneSearch() {
		refer(township, county, "up", "green");

		Bundle open = fhir.search().byUrl("Task?owner=" + county + "&status=requested&business-status=awaiting-reception"
				+ "&_include=Task:focus&_include=Task:patient").returnBundle(Bundle.class).execute();
		assertThat(open.getEntry()).extracting(e -> e.getResource().getResourceType().name())
				.containsExactlyInAnyOrder("Task", "ServiceRequest", "Patient");
	}

	@Test
	void theReceivingHospitalIsNotifiedOfANewReferralByRestHook() throws Exception {
		java.util.concurrent.BlockingQueue<String> received = new java.util.concurrent.LinkedBlockingQueue<>();
		com.sun.net.httpserver.HttpServer his = com.sun.net.httpserver.HttpServer.create(
				new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
		his.createContext("/", exchange -> {
			received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
					+ new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
			exchange.sendResponseHeaders(200, -1);
			exchange.close();
		});
		his.start();
		try {
			org.hl7.fhir.r4.model.Subscription subscription = new org.hl7.fhir.r4.model.Subscription();
			subscription.setStatus(org.hl7.fhir.r4.model.Subscription.SubscriptionStatus.REQUESTED);
			subscription.setReason("新转诊通知 new referrals for " + county);
			subscription.setCriteria("Task?owner=" + county + "&status=requested");
			subscription.getChannel().setType(org.hl7.fhir.r4.model.Subscription.SubscriptionChannelType.RESTHOOK)
					.setEndpoint("http://127.0.0.1:" + his.getAddress().getPort() + "/his/referrals")
					.setPayload("application/fhir+json");
			String id = fhir.create().resource(subscription).execute().getId().toUnqualifiedVersionless().getValue();
			awaitActive(id);

			String task = refer(township, county, "up", "green")[1];
			String notification = received.poll(30, java.util.concurrent.TimeUnit.SECONDS);
			assertThat(notification).isNotNull().contains(new IdType(task).getIdPart()).contains(county);
			fhir.delete().resourceById(new IdType(id)).execute();
		} finally {
			his.stop(0);
		}
	}

	@org.springframework.beans.factory.annotation.Autowired
	private ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionRegistry subscriptions;

	/** The server activates a subscription on create; matching starts once HAPI's registry has loaded it. */
	private void awaitActive(String id) throws InterruptedException {
		for (int i = 0; i < 100; i++) {
			if (subscriptions.get(new IdType(id).getIdPart()) != null) {
				return;
			}
			Thread.sleep(200);
		}
		throw new AssertionError("subscription " + id + " never became active");
	}

	@Test
	void aMoveTheWorkflowDoesNotAllowIsRefusedWithTheAllowedOnes() {
		Task task = fhir.read().resource(Task.class).withUrl(refer(township, county, "up", "standard")[1]).execute();

		assertThatThrownBy(() -> move(task, Task.TaskStatus.INPROGRESS))
				.isInstanceOf(UnprocessableEntityException.class)
				.hasMessageContaining("cannot go from requested to in-progress")
				.hasMessageContaining("received");
	}

	@Test
	void aReferralToANonMemberIsRefused() {
		String outsider = fixtures.hospital("Organization-deyang-peoples-hospital", "成都某三甲医院");

		assertThatThrownBy(() -> refer(township, outsider, "up", "green"))
				.isInstanceOf(UnprocessableEntityException.class)
				.hasMessageContaining("yl-referral-members");
	}

	@Test
	void aReferralToAMemberWhoseMembershipEndedYesterdayIsRefused() {
		String former = fixtures.hospital("Organization-deyang-second-peoples-hospital", "中江县中医医院");
		OrganizationAffiliation ended = fixtures.membershipDraft(former, alliance, LocalDate.of(2024, 1, 1));
		ended.setActive(false);
		ended.getPeriod().setEndElement(new DateTimeType(TestClock.TODAY.minusDays(1).toString()));
		ended.addExtension("https://yilian.health/fhir/StructureDefinition/yilian-membership-end-reason", new CodeableConcept(
				new Coding("https://yilian.health/fhir/CodeSystem/yilian-membership-end-reason", "withdrawal", "主动退出")));
		fhir.create().resource(ended).execute();

		assertThatThrownBy(() -> refer(township, former, "up", "standard"))
				.isInstanceOf(UnprocessableEntityException.class)
				.hasMessageContaining("yl-referral-members");
	}

	@Test
	void aDirectionThatContradictsTheGradesIsRefused() {
		assertThatThrownBy(() -> refer(township, county, "down", "standard"))
				.isInstanceOf(UnprocessableEntityException.class)
				.hasMessageContaining("yl-referral-direction")
				.hasMessageContaining("is up by their grades");
	}

	@Test
	void ofTwoConcurrentReceiptsOneWinsAndTheOtherGets412() {
		Task task = fhir.read().resource(Task.class).withUrl(refer(township, county, "up", "green")[1]).execute();
		Task first = task.copy();
		Task second = task.copy();
		first.setStatus(Task.TaskStatus.RECEIVED);
		second.setStatus(Task.TaskStatus.RECEIVED);
		String version = "W/\"" + task.getIdElement().getVersionIdPart() + "\"";

		fhir.update().resource(first).withAdditionalHeader("If-Match", version).execute();
		assertThatThrownBy(() -> fhir.update().resource(second).withAdditionalHeader("If-Match", version).execute())
				.isInstanceOf(PreconditionFailedException.class);
	}

	/** The HIS's transaction: referral and its Task together. Returns {referral, task}. */
	private String[] refer(String from, String to, String direction, String channel, String... basedOn) {
		ServiceRequest referral = example("ServiceRequest-referral-up-wang-xiuying", ServiceRequest.class);
		referral.getIdentifierFirstRep().setValue(unique("ZZ-"));
		referral.getCategory().get(0).getCodingFirstRep().setCode(direction).setDisplay(null);
		referral.getCategory().get(1).getCodingFirstRep().setCode(channel).setDisplay(null);
		referral.setRequester(new Reference(from));
		referral.getPerformer().clear();
		referral.addPerformer(new Reference(to));
		referral.setAuthoredOn(now);
		for (String up : basedOn) {
			referral.addBasedOn(new Reference(up));
		}
		Task task = example("Task-referral-task-wang-xiuying", Task.class);
		task.getRestriction().getPeriod().setEnd(null);
		task.setRequester(new Reference(from));
		task.setOwner(new Reference(to));
		task.setAuthoredOn(now);
		return ReferralTransaction.post(fhir, referral, task);
	}

	private Task move(Task task, Task.TaskStatus status) {
		task.setStatus(status);
		fhir.update().resource(task).execute();
		return fhir.read().resource(Task.class).withUrl(task.getIdElement().toUnqualifiedVersionless().getValue()).execute();
	}
}
