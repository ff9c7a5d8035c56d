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
	/**
	 * Tags come only from what the server itself wrote, never from text that echoes a client's input (that would
	 * make a series per request): the rule that starts the refusal's message ({@code yl-…: …}, {@code HAPI-0000: …}),
	 * the validator's message id, and the guide profile that starts ProfileEnforcement's message.
	 */
	private static final Pattern RULE = Pattern.compile("^(yl-[a-z0-9-]{1,60}|HAPI-\\d{4})\\b");
	private static final Pattern MESSAGE_ID_FORM = Pattern.compile("[A-Za-z0-9_]{1,80}");
	private static final String MESSAGE_ID = "http://hl7.org/fhir/StructureDefinition/operationoutcome-message-id";
	private static final Pattern PROFILE = Pattern.compile("^[A-Za-z]{1,40} does not conform to https?://[^/\\s]+/fhir/StructureDefinition/([A-Za-z0-9-]{1,64})\\b");

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
			String message = String.valueOf(exception.getMessage());
			Matcher found = RULE.matcher(message);
			String rule = found.find() ? found.group(1) : null;
			if (rule == null && exception.getOperationOutcome() instanceof org.hl7.fhir.r4.model.OperationOutcome outcome) {
				// A profile's refusal: the validator's id for its first finding (a rule of the validator, a bounded set).
				rule = outcome.getIssue().stream().map(i -> i.getExtensionByUrl(MESSAGE_ID)).filter(java.util.Objects::nonNull)
						.map(e -> e.getValue().primitiveValue()).filter(id -> id != null && MESSAGE_ID_FORM.matcher(id).matches())
						.findFirst().orElse(null);
			}
			rule = rule == null ? "-" : rule;
			Matcher profiled = PROFILE.matcher(message);
			// By status, rule and, for a validation refusal, the guide's profile (yilian_refusals_total).
			meters.counter("yilian.refusals", "status", Integer.toString(exception.getStatusCode()), "rule", rule,
					"profile", profiled.find() ? profiled.group(1) : "-").increment();
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
