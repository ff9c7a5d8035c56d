package health.yilian.server;

import ca.uhn.fhir.i18n.Msg;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A request the database could not serve because it went away (a restart, a failover, a connection the server or a
 * pooler terminated, a pool with no connection left) answers 503 with {@code Retry-After}, not HAPI's 500: nothing of
 * it was committed (its transaction rolled back with the connection), so the client sends it again as it was. The
 * server does not resend it itself: a write whose commit acknowledgement was lost may have been committed, and only
 * the client knows whether its request is safe to repeat (conditional creates and updates are).
 */
@Component
public class DatabaseUnavailable implements YilianInterceptor {

	private static final Logger LOG = LoggerFactory.getLogger(DatabaseUnavailable.class);

	/** SQLSTATE classes and codes of a database that is gone or refusing for now (PostgreSQL's codes, SQL standard 08). */
	private static final Set<String> GONE = Set.of("57P01", "57P02", "57P03", "53300", "40001", "40P01");

	static final String RETRY_AFTER_SECONDS = "5";
	private static final String STALE_ROW = Msg.code(826);
	/** PostgreSQL's driver's and the pool's words for a connection that is gone. */
	private static final List<String> CONNECTION_LOST = List.of("terminating connection", "connection has been closed",
			"Connection is closed", "An I/O error occurred while sending to the backend", "Unable to acquire JDBC Connection",
			"Connection is not available");
	private static final String MESSAGE = "the database is not available for the moment (restarting, failing over or out of"
			+ " connections) and this request did not complete; its transaction was rolled back: send it again after "
			+ RETRY_AFTER_SECONDS + " s (Retry-After)";

	@Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
	public BaseServerResponseException toServiceUnavailable(RequestDetails request, Throwable exception) {
		if (exception instanceof BaseServerResponseException answered && answered.getStatusCode() < 500
				&& answered.getStatusCode() != 409) {
			return null; // a refusal HAPI or a rule already answered (a 409 may be HAPI's word for a lost connection)
		}
		String message = String.valueOf(exception.getMessage());
		boolean nothingToConflictWith = request != null && (request.getRequestType() == RequestTypeEnum.GET
				|| request.getRestOperationType() == RestOperationTypeEnum.CREATE);
		if ((nothingToConflictWith && message.contains(STALE_ROW)) || CONNECTION_LOST.stream().anyMatch(message::contains)) {
			// HAPI drops the cause twice: a "version constraint failure" on a search or a plain create is a statement batch
			// cut off with its connection (neither has a version another writer could have changed), and a search that
			// failed on HAPI's search thread comes back as its failure message only.
			LOG.warn("database unavailable, answered 503: {}", message);
			return new ServiceUnavailable();
		}
		if (causedByUnavailableDatabase(exception)) {
			LOG.warn("database unavailable, answered 503: {}", exception.toString());
			return new ServiceUnavailable();
		}
		return null;
	}

	/** Whether the database being away is what made this fail, by the causes' kinds and SQLSTATEs. */
	public static boolean causedByUnavailableDatabase(Throwable exception) {
		for (Throwable cause = exception; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
			if (unavailable(cause)) {
				return true;
			}
		}
		return false;
	}

	/** What a request that could not reach the database is answered, outside HAPI too (Tomcat's error page). */
	public static String message() {
		return MESSAGE;
	}

	private static boolean unavailable(Throwable cause) {
		if (cause instanceof SQLTransientConnectionException
				|| cause instanceof java.sql.SQLNonTransientConnectionException
				|| cause instanceof org.hibernate.exception.JDBCConnectionException
				|| cause instanceof org.springframework.dao.DataAccessResourceFailureException
				|| cause instanceof org.springframework.transaction.CannotCreateTransactionException) {
			return true;
		}
		if (cause instanceof SQLException sql && sql.getSQLState() != null) {
			return sql.getSQLState().startsWith("08") || GONE.contains(sql.getSQLState());
		}
		// A commit or rollback that could not reach the database (the pool's "Connection is closed" carries no SQLSTATE).
		return cause instanceof org.hibernate.TransactionException && cause.getCause() instanceof SQLException;
	}

	/** 503: HAPI has no exception class for it. */
	static final class ServiceUnavailable extends BaseServerResponseException {

		ServiceUnavailable() {
			super(503, MESSAGE, outcome());
			addResponseHeader("Retry-After", RETRY_AFTER_SECONDS);
		}

		private static OperationOutcome outcome() {
			OperationOutcome outcome = new OperationOutcome();
			outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(OperationOutcome.IssueType.TRANSIENT)
					.setDiagnostics(MESSAGE);
			return outcome;
		}
	}
}
