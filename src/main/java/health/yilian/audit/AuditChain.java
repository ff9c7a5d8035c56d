package health.yilian.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.IdType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The audit trail as evidence: every stored AuditEvent is a link of one hash chain ({@code yl_audit_chain}: sequence,
 * event id, when linked, hash), each hash the SHA-256 of the previous hash and the event's content, so that an event
 * removed (deleted, expunged, its link dropped) or altered (in the database, behind the API) breaks the chain at that
 * point. {@link #verify} walks a period and names the first break. Neither HAPI's BALP nor IHE ATNA's syslog gives
 * an auditor that proof.
 *
 * <p>The links are written by the outbox's drainer in the transaction that stores the events, under a lock on the
 * chain's head, so several nodes draining at once extend one chain. What the chain cannot show is a rewrite of the
 * whole chain by someone holding the database: the head hash {@link #verify} answers is what an auditor notes down
 * (or the alliance publishes) to anchor it.
 */
@Component
public class AuditChain {

	static final String GENESIS = "0".repeat(64);

	private final JdbcTemplate jdbc;
	private final FhirContext fhirContext;
	private final IFhirResourceDao<AuditEvent> auditEvents;
	private final Clock clock;
	private final io.micrometer.core.instrument.Timer linking;

	public AuditChain(javax.sql.DataSource dataSource, FhirContext fhirContext, DaoRegistry daoRegistry, Clock clock,
			io.micrometer.core.instrument.MeterRegistry meters) {
		// What the chain costs (bench/run reports it against the server's CPU time): hashing and inserting the links.
		this.linking = io.micrometer.core.instrument.Timer.builder("yilian.audit.chain.link")
				.description("Time spent hashing stored audit events and linking them onto the chain").register(meters);
		this.jdbc = new JdbcTemplate(dataSource);
		this.fhirContext = fhirContext;
		this.auditEvents = daoRegistry.getResourceDao(AuditEvent.class);
		this.clock = clock;
		// Beside the outbox, outside HAPI's schema; made here for the same reason.
		jdbc.execute("CREATE TABLE IF NOT EXISTS yl_audit_chain (seq BIGINT PRIMARY KEY, event_id VARCHAR(100) NOT NULL, "
				+ "linked TIMESTAMP NOT NULL, hash CHAR(64) NOT NULL)");
		// Where the kept chain begins once the oldest links have passed their retention (AuditRetention).
		jdbc.execute("CREATE TABLE IF NOT EXISTS yl_audit_checkpoint (seq BIGINT PRIMARY KEY, hash CHAR(64) NOT NULL, made TIMESTAMP NOT NULL)");
	}

	/** Links stored events (their ids assigned) onto the chain, in order, in the caller's transaction. */
	void link(List<AuditEvent> stored) {
		linking.record(() -> linkTimed(stored));
	}

	private void linkTimed(List<AuditEvent> stored) {
		// Two drainers reading the same head both try the same next seq: the primary key lets one of them through.
		Optional<Link> head = jdbc.query("SELECT seq, event_id, hash FROM yl_audit_chain ORDER BY seq DESC FETCH FIRST 1 ROWS ONLY FOR UPDATE",
				(rs, i) -> new Link(rs.getLong(1), rs.getString(2), rs.getString(3))).stream().findFirst().or(this::checkpoint);
		long seq = head.map(Link::seq).orElse(0L);
		String hash = head.map(Link::hash).orElse(GENESIS);
		Timestamp now = Timestamp.from(clock.instant());
		List<Object[]> rows = new ArrayList<>();
		for (AuditEvent event : stored) {
			hash = hash(hash, event);
			rows.add(new Object[] {++seq, event.getIdElement().toUnqualifiedVersionless().getValue(), now, hash});
		}
		jdbc.batchUpdate("INSERT INTO yl_audit_chain (seq, event_id, linked, hash) VALUES (?, ?, ?, ?)", rows);
	}

	/** What verification found over a period: the links checked, the chain's head, and the first break if any. */
	public record Verification(long checked, Optional<Long> first, Optional<Long> last, String head, Optional<Long> checkpoint,
			Optional<Break> firstBreak) {}

	/** Where the chain breaks: the link, the event, what is wrong. */
	public record Break(long seq, String event, String kind, String detail) {}

	/** Walks the links made in [{@code from}, {@code to}) and their events, from the link before the period on. */
	public Verification verify(Instant from, Instant to) {
		List<Link> links = jdbc.query("SELECT seq, event_id, hash FROM yl_audit_chain WHERE linked >= ? AND linked < ? ORDER BY seq",
				(rs, i) -> new Link(rs.getLong(1), rs.getString(2), rs.getString(3)), Timestamp.from(from), Timestamp.from(to));
		String head = jdbc.query("SELECT hash FROM yl_audit_chain ORDER BY seq DESC FETCH FIRST 1 ROWS ONLY", (rs, i) -> rs.getString(1))
				.stream().findFirst().or(() -> checkpoint().map(Link::hash)).orElse(GENESIS);
		Optional<Long> checkpoint = checkpoint().map(Link::seq);
		if (links.isEmpty()) {
			return new Verification(0, Optional.empty(), Optional.empty(), head, checkpoint, Optional.empty());
		}
		long firstSeq = links.get(0).seq();
		long expected = firstSeq;
		String previous = expected == 1 ? GENESIS : jdbc.query("SELECT hash FROM yl_audit_chain WHERE seq = ?", (rs, i) -> rs.getString(1), expected - 1)
				.stream().findFirst()
				// The first link kept after a retention run follows the checkpoint, which holds the last removed link's hash.
				.or(() -> checkpoint().filter(c -> c.seq() == firstSeq - 1).map(Link::hash))
				.orElse(null);
		Optional<Break> broken = Optional.empty();
		if (previous == null) {
			broken = Optional.of(new Break(expected - 1, null, "removed", "the link before the period, " + (expected - 1) + ", is missing"
					+ checkpoint.map(c -> " (links up to " + c + " were removed by the retention rule)").orElse("")));
		}
		long checked = 0;
		java.util.Map<String, AuditEvent> events = java.util.Map.of();
		for (int i = 0; i < links.size() && broken.isEmpty(); i++) {
			Link link = links.get(i);
			if (i % READ_BATCH == 0) {
				events = read(links.subList(i, Math.min(links.size(), i + READ_BATCH)));
			}
			if (link.seq() != expected) {
				broken = Optional.of(new Break(expected, null, "removed", "links " + expected + " to " + (link.seq() - 1)
						+ " are missing: their events were taken out of the chain"));
				break;
			}
			Optional<AuditEvent> event = Optional.ofNullable(events.get(link.event()));
			if (event.isEmpty()) {
				broken = Optional.of(new Break(link.seq(), link.event(), "removed", link.event() + " is no longer stored (deleted or expunged)"));
			} else if (!hash(previous, event.get()).equals(link.hash())) {
				broken = Optional.of(new Break(link.seq(), link.event(), "altered", link.event() + " is not the event that was linked: its content"
						+ " no longer gives the link's hash"));
			}
			previous = link.hash();
			expected++;
			checked++;
		}
		return new Verification(checked, Optional.of(links.get(0).seq()), Optional.of(links.get(links.size() - 1).seq()), head, checkpoint, broken);
	}

	/** The latest checkpoint: the last link a retention run removed, and its hash. */
	private Optional<Link> checkpoint() {
		return jdbc.query("SELECT seq, hash FROM yl_audit_checkpoint ORDER BY seq DESC FETCH FIRST 1 ROWS ONLY",
				(rs, i) -> new Link(rs.getLong(1), null, rs.getString(2))).stream().findFirst();
	}

	/** A link as a retention run sees it: its place, its event, when it was made. */
	record Aged(long seq, String event, Instant linked, String hash) {}

	/**
	 * The oldest links, at most {@code max}, in chain order and locked, as far as they were made before {@code cutoff}:
	 * the first younger link ends the run, so what is removed is always the chain's beginning and the rest stays whole.
	 */
	List<Aged> oldest(Instant cutoff, int max) {
		List<Aged> oldest = jdbc.query("SELECT seq, event_id, linked, hash FROM yl_audit_chain ORDER BY seq FETCH FIRST " + max + " ROWS ONLY FOR UPDATE",
				(rs, i) -> new Aged(rs.getLong(1), rs.getString(2), rs.getTimestamp(3).toInstant(), rs.getString(4)));
		int older = 0;
		while (older < oldest.size() && oldest.get(older).linked().isBefore(cutoff)) {
			older++;
		}
		return oldest.subList(0, older);
	}

	/** Takes the links up to {@code last} off the chain, in the caller's transaction, leaving {@code last} as the checkpoint. */
	void removeThrough(Aged last) {
		jdbc.update("INSERT INTO yl_audit_checkpoint (seq, hash, made) VALUES (?, ?, ?)", last.seq(), last.hash(), Timestamp.from(clock.instant()));
		jdbc.update("DELETE FROM yl_audit_chain WHERE seq <= ?", last.seq());
	}

	/** The links' events still stored, by id, in one search (a deleted one is not found). */
	private java.util.Map<String, AuditEvent> read(List<Link> links) {
		ca.uhn.fhir.rest.param.TokenOrListParam ids = new ca.uhn.fhir.rest.param.TokenOrListParam();
		links.forEach(l -> ids.add(new IdType(l.event()).getIdPart()));
		ca.uhn.fhir.jpa.searchparam.SearchParameterMap search = ca.uhn.fhir.jpa.searchparam.SearchParameterMap.newSynchronous();
		search.add("_id", ids);
		java.util.Map<String, AuditEvent> found = new java.util.HashMap<>();
		auditEvents.search(search, new SystemRequestDetails()).getAllResources().forEach(r ->
				found.put(r.getIdElement().toUnqualifiedVersionless().getValue(), (AuditEvent) r));
		return found;
	}

	private static final int READ_BATCH = 200;

	/** SHA-256 of the previous hash and the event's content: the event as stored, without its id and meta. */
	String hash(String previous, AuditEvent event) {
		AuditEvent content = event.copy();
		content.setId((String) null);
		content.setMeta(null);
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			digest.update(previous.getBytes(StandardCharsets.US_ASCII));
			digest.update((byte) '\n');
			digest.update(fhirContext.newJsonParser().encodeResourceToString(content).getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest.digest());
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException("SHA-256 is part of every Java", e);
		}
	}

	private record Link(long seq, String event, String hash) {}
}
