package health.yilian.audit;

import ca.uhn.fhir.jpa.api.svc.IDeleteExpungeSvc;
import ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService;
import ca.uhn.fhir.jpa.model.dao.JpaPid;
import ca.uhn.fhir.jpa.model.sched.HapiJob;
import ca.uhn.fhir.jpa.model.sched.IHasScheduledJobs;
import ca.uhn.fhir.jpa.model.sched.ISchedulerService;
import ca.uhn.fhir.jpa.model.sched.ScheduledJobDefinition;
import ca.uhn.fhir.storage.interceptor.balp.BalpConstants;
import health.yilian.server.ClockConfig;
import java.time.Clock;
import java.time.Instant;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.List;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.quartz.JobExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * How long the trail is kept: {@code yilian.audit.retention}, an ISO-8601 period counted back from now (default
 * {@code P15Y}, the time outpatient records are kept; never less than {@code P6M}, the six months China's Cybersecurity
 * Law, article 21, requires of network logs). Once an hour, on HAPI's scheduler, the events linked before that are
 * removed for good, the chain's beginning first: HAPI's delete-expunge takes them out of every table, so no deleted
 * version keeps what they said about a patient.
 *
 * <p>The chain stays verifiable: the last removed link becomes its checkpoint ({@code yl_audit_checkpoint}, its
 * sequence and hash), from which {@link AuditChain#verify} goes on. And the removal is evidence too: each run
 * records, in the transaction that removes, one event of what it removed (how many, which links, by which rule,
 * the checkpoint's hash), which the chain then links like any other.
 */
@Component
public class AuditRetention implements IHasScheduledJobs {

	private static final Logger LOG = LoggerFactory.getLogger(AuditRetention.class);
	private static final Period LEGAL_MINIMUM = Period.ofMonths(6);
	private static final int BATCH = 1000;
	static final String SERVER = "yilian-server";

	private final Period retention;
	private final AuditChain chain;
	private final AuditLog log;
	private final IDeleteExpungeSvc<JpaPid> deleteExpunge;
	private final IHapiTransactionService transactions;
	private final JdbcTemplate jdbc;
	private final Clock clock;
	private final ca.uhn.fhir.jpa.util.MemoryCacheService caches;

	public AuditRetention(@Value("${yilian.audit.retention:P15Y}") String retention, AuditChain chain, AuditLog log,
			IDeleteExpungeSvc<JpaPid> deleteExpunge, IHapiTransactionService transactions, DataSource dataSource, Clock clock,
			ca.uhn.fhir.jpa.util.MemoryCacheService caches) {
		this.caches = caches;
		this.retention = parse(retention);
		this.chain = chain;
		this.log = log;
		this.deleteExpunge = deleteExpunge;
		this.transactions = transactions;
		this.jdbc = new JdbcTemplate(dataSource);
		this.clock = clock;
	}

	/** Found at start, named by its key: a retention that is no period, or one the law does not allow. */
	static Period parse(String retention) {
		Period period;
		try {
			period = Period.parse(retention.trim());
		} catch (DateTimeParseException e) {
			throw new IllegalStateException("yilian.audit.retention: '" + retention + "' is not an ISO-8601 period; write e.g. P15Y (15 years) or P18M");
		}
		java.time.LocalDate from = java.time.LocalDate.of(2000, 1, 1);
		if (from.plus(period).isBefore(from.plus(LEGAL_MINIMUM))) {
			throw new IllegalStateException("yilian.audit.retention: " + retention + " is shorter than six months (P6M), the least the"
					+ " Cybersecurity Law (网络安全法, article 21) allows for network logs");
		}
		return period;
	}

	public Period retention() {
		return retention;
	}

	/** Removes what the retention rule no longer keeps, as of now by the server's clock; answers how many events. */
	public int removeExpired() {
		Instant cutoff = clock.instant().atZone(ClockConfig.CHINA).minus(retention).toInstant();
		int removed = 0;
		int batch;
		do {
			batch = transactions.withSystemRequest().execute(() -> removeBatch(cutoff));
			removed += batch;
		} while (batch == BATCH);
		if (removed > 0) {
			LOG.info("Audit retention ({}): removed {} events linked before {}", retention, removed, cutoff);
		}
		return removed;
	}

	private int removeBatch(Instant cutoff) {
		List<AuditChain.Aged> expired = chain.oldest(cutoff, BATCH);
		if (expired.isEmpty()) {
			return 0;
		}
		List<String> ids = expired.stream().map(a -> a.event().substring(a.event().indexOf('/') + 1)).toList();
		List<JpaPid> stored = jdbc.queryForList("SELECT RES_ID FROM HFJ_RESOURCE WHERE RES_TYPE = 'AuditEvent' AND FHIR_ID IN ("
				+ ids.stream().map(i -> "?").collect(Collectors.joining(",")) + ")", Long.class, ids.toArray()).stream().map(id -> JpaPid.fromId(id)).toList();
		if (!stored.isEmpty()) {
			// An auditor's read of an event is itself an event naming it: those references (and any other to a removed
			// event) go with it, or HAPI's check would refuse the removal and retention would stall on that batch.
			String pids = stored.stream().map(p -> "?").collect(Collectors.joining(","));
			jdbc.update("DELETE FROM HFJ_RES_LINK WHERE TARGET_RESOURCE_ID IN (" + pids + ")", stored.stream().map(JpaPid::getId).toArray());
			deleteExpunge.deleteExpunge(stored, false, null);
			// HAPI's own expunge forgets the removed ids in its memory caches after commit; delete-expunge leaves that to its caller.
			org.springframework.transaction.support.TransactionSynchronizationManager.registerSynchronization(
					new org.springframework.transaction.support.TransactionSynchronization() {
						@Override
						public void afterCommit() {
							caches.invalidateAllCaches();
						}
					});
		}
		AuditChain.Aged last = expired.get(expired.size() - 1);
		chain.removeThrough(last);
		log.recordAuditEvent(removal(expired.size(), stored.size(), expired.get(0).seq(), last, cutoff));
		return expired.size();
	}

	/** The event of one removal: the server, by its retention rule, deleting a stretch of the trail. */
	private AuditEvent removal(int links, int events, long first, AuditChain.Aged last, Instant cutoff) {
		AuditEvent event = new AuditEvent();
		event.setType(new Coding("http://dicom.nema.org/resources/ontology/DCM", "110101", "Audit Log Used"));
		event.setAction(AuditEvent.AuditEventAction.D);
		event.setRecorded(Date.from(clock.instant()));
		event.setOutcome(AuditEvent.AuditEventOutcome._0);
		event.setOutcomeDesc("retention " + retention + ": " + events + " events removed");
		event.addAgent().setRequestor(true).setWho(new Reference().setIdentifier(new Identifier().setSystem(AuditAgents.CLIENT_SYSTEM).setValue(SERVER))
				.setDisplay("Yilian FHIR server, audit retention"));
		event.getSource().setObserver(new Reference().setDisplay("Yilian FHIR server"));
		event.addEntity().setType(new Coding(BalpConstants.CS_AUDIT_ENTITY_TYPE, BalpConstants.CS_AUDIT_ENTITY_TYPE_2_SYSTEM_OBJECT, "System Object"))
				.setName("yl_audit_chain")
				.setDescription("links " + first + " to " + last.seq() + " (" + links + " links, " + events + " events still stored) were linked before "
						+ cutoff + " and passed the retention of " + retention + "; the chain now begins after checkpoint " + last.seq()
						+ ", hash " + last.hash());
		return event;
	}

	@Override
	public void scheduleJobs(ISchedulerService scheduler) {
		ScheduledJobDefinition job = new ScheduledJobDefinition();
		job.setId(AuditRetention.class.getName());
		job.setJobClass(Job.class);
		// Clustered: one node of several runs it; the locks on the chain's oldest links keep two runs apart anyway.
		scheduler.scheduleClusteredJob(60 * 60 * 1000L, job);
	}

	public static class Job implements HapiJob {
		@Autowired
		private AuditRetention retention;

		@Override
		public void execute(JobExecutionContext context) {
			retention.removeExpired();
		}
	}
}
