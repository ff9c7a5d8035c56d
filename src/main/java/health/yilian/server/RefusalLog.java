package health.yilian.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import health.yilian.security.Caller;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.springframework.stereotype.Component;

/**
 * A refused request is an ordinary event, not an error: one INFO line with the status, the rule, the client and the
 * request id ({@code refused 403 yl-scope client=deyang-lis request=… POST Patient}), so that WARN and ERROR mean an
 * operator should look. HAPI logs every exception an interceptor throws at ERROR with its stack trace (our rules
 * refuse by throwing from storage hooks) and every 4xx at WARN; those two lines are dropped for refusals (status
 * below 500), and nothing else: a hook that fails with anything but a refusal still logs its stack trace. Each
 * refusal is also counted by status and rule ({@code yilian_refusals_total}).
 */
@Component
public class RefusalLog implements YilianInterceptor {

	private static final Logger LOG = LoggerFactory.getLogger(RefusalLog.class);
	private static final Pattern RULE = Pattern.compile("\\b(yl-[a-z0-9-]+|HAPI-\\d+)");

	private final io.micrometer.core.instrument.MeterRegistry meters;

	public RefusalLog(io.micrometer.core.instrument.MeterRegistry meters) {
		this.meters = meters;
		if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
			logback.addTurboFilter(new RefusalsAreNotErrors());
		}
	}

	@Hook(Pointcut.SERVER_HANDLE_EXCEPTION)
	public boolean refused(RequestDetails request, BaseServerResponseException exception) {
		if (exception.getStatusCode() < 500) {
			// The rule is in the message, or (a validation refusal) in the OperationOutcome's issues.
			StringBuilder message = new StringBuilder(String.valueOf(exception.getMessage()));
			if (exception.getOperationOutcome() instanceof org.hl7.fhir.r4.model.OperationOutcome outcome) {
				outcome.getIssue().forEach(i -> message.append(' ').append(i.getDiagnostics()).append(' ')
						.append(i.getDetails().getCoding().stream().map(c -> c.getCode()).toList()));
			}
			Matcher found = RULE.matcher(message);
			String rule = found.find() ? found.group(1) : "-";
			// By rule: a profile's refusals are its yl- rule or the validator's HAPI code (yilian_refusals_total).
			meters.counter("yilian.refusals", "status", Integer.toString(exception.getStatusCode()), "rule", rule).increment();
			LOG.info("refused {} {} client={} request={} {} {}", exception.getStatusCode(), rule,
					Caller.of(request).map(Caller::clientId).orElse("anonymous"), request.getRequestId(), request.getRequestType(),
					request.getRequestPath());
		}
		return true;
	}

	/** Drops HAPI's ERROR (hook threw) and WARN (4xx) lines for a refusal; this class's INFO line says it instead. */
	static final class RefusalsAreNotErrors extends TurboFilter {

		@Override
		public FilterReply decide(Marker marker, ch.qos.logback.classic.Logger logger, Level level, String format, Object[] params, Throwable t) {
			if (level == null || !level.isGreaterOrEqual(Level.WARN) || params == null) {
				return FilterReply.NEUTRAL;
			}
			String name = logger.getName();
			boolean hook = name.equals("ca.uhn.fhir.interceptor.executor.BaseInterceptorService");
			boolean answer = name.equals("ca.uhn.fhir.rest.server.interceptor.ExceptionHandlingInterceptor") && format != null
					&& format.startsWith("Failure during REST processing: ");
			if (!hook && !answer) {
				return FilterReply.NEUTRAL;
			}
			for (Object param : params) {
				if (param instanceof BaseServerResponseException refusal && refusal.getStatusCode() < 500) {
					return FilterReply.DENY;
				}
			}
			// HAPI's 4xx line gives the exception as text only.
			return answer ? FilterReply.DENY : FilterReply.NEUTRAL;
		}
	}
}
