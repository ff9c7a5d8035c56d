package health.yilian.audit;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import health.yilian.server.YilianOperationProvider;
import java.time.Instant;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.springframework.stereotype.Component;

/**
 * {@code GET /fhir/AuditEvent/$verify-audit-trail?start=…&end=…} (auditors): whether the trail over the period is
 * whole, by its {@link AuditChain}: {@code verified}, the links {@code checked} ({@code first}, {@code last}), the
 * chain's {@code head} hash (note it down: a later verification that answers a different history for the same links
 * shows a rewrite), and at the first break, {@code break} with its {@code sequence}, {@code event}, {@code kind}
 * ({@code removed} or {@code altered}) and {@code detail}; once the retention rule has removed the oldest links, {@code
 * checkpoint}, the last link removed, after which the kept chain begins. Without {@code start} and {@code end}: the
 * whole trail kept.
 */
@Component
public class AuditTrailVerification implements YilianOperationProvider {

	private final AuditChain chain;
	private final AuditOutbox outbox;

	public AuditTrailVerification(AuditChain chain, AuditOutbox outbox) {
		this.chain = chain;
		this.outbox = outbox;
	}

	@Operation(name = "$verify-audit-trail", typeName = "AuditEvent", idempotent = true)
	public Parameters verify(@OperationParam(name = "start") DateTimeType start, @OperationParam(name = "end") DateTimeType end) {
		Instant from = start == null || start.isEmpty() ? Instant.EPOCH : start.getValue().toInstant();
		Instant to = end == null || end.isEmpty() ? Instant.parse("9999-12-31T00:00:00Z") : end.getValue().toInstant();
		if (!from.isBefore(to)) {
			throw new InvalidRequestException("start: " + start.getValueAsString() + " is not before end " + end.getValueAsString());
		}
		outbox.drainNow(); // what is committed is verified, as an AuditEvent search would see it
		AuditChain.Verification verification = chain.verify(from, to);
		Parameters result = new Parameters();
		result.addParameter().setName("verified").setValue(new BooleanType(verification.firstBreak().isEmpty()));
		result.addParameter().setName("checked").setValue(new IntegerType(Math.toIntExact(verification.checked())));
		verification.first().ifPresent(f -> result.addParameter().setName("first").setValue(new StringType(f.toString())));
		verification.last().ifPresent(l -> result.addParameter().setName("last").setValue(new StringType(l.toString())));
		result.addParameter().setName("head").setValue(new StringType(verification.head()));
		verification.checkpoint().ifPresent(c -> result.addParameter().setName("checkpoint").setValue(new StringType(c.toString())));
		verification.firstBreak().ifPresent(b -> {
			Parameters.ParametersParameterComponent broken = result.addParameter().setName("break");
			broken.addPart().setName("sequence").setValue(new StringType(Long.toString(b.seq())));
			if (b.event() != null) {
				broken.addPart().setName("event").setValue(new Reference(b.event()));
			}
			broken.addPart().setName("kind").setValue(new StringType(b.kind()));
			broken.addPart().setName("detail").setValue(new StringType(b.detail()));
		});
		return result;
	}
}
