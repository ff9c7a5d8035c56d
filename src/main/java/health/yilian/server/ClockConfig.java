package health.yilian.server;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The one clock every date rule reads (membership terms, grant periods, validity windows), so that tests can
 * drive dates and the alliances' "today" is China's whatever the host's time zone.
 */
@Configuration
public class ClockConfig {

	public static final ZoneId CHINA = ZoneId.of("Asia/Shanghai");

	@Bean
	public Clock clock() {
		return Clock.system(CHINA);
	}

	/** Today in China by {@code clock}. */
	public static LocalDate today(Clock clock) {
		return LocalDate.now(clock.withZone(CHINA));
	}

	/** An operation's {@code date} parameter: a full day (yyyy-mm-dd), today when absent. */
	public static LocalDate dayOrToday(DateType date, Clock clock) {
		if (date == null || date.isEmpty()) {
			return today(clock);
		}
		if (date.getPrecision() != ca.uhn.fhir.model.api.TemporalPrecisionEnum.DAY) {
			throw new InvalidRequestException("date: '" + date.getValueAsString() + "' is not a full day; give yyyy-mm-dd, e.g. 2026-11-22");
		}
		return LocalDate.parse(date.getValueAsString());
	}

	/**
	 * An operation's {@code date} parameter as the instant it asks about: a time as given, a day (yyyy-mm-dd) at its
	 * start in China, now when absent.
	 */
	public static Instant instantOrNow(DateTimeType date, Clock clock) {
		if (date == null || date.isEmpty()) {
			return clock.instant();
		}
		if (date.getPrecision() == ca.uhn.fhir.model.api.TemporalPrecisionEnum.DAY) {
			return LocalDate.parse(date.getValueAsString()).atStartOfDay(CHINA).toInstant();
		}
		if (date.getPrecision().ordinal() < ca.uhn.fhir.model.api.TemporalPrecisionEnum.DAY.ordinal()) {
			throw new InvalidRequestException("date: '" + date.getValueAsString() + "' is not a full day; give yyyy-mm-dd, e.g. 2026-11-22,"
					+ " or a time, e.g. 2026-11-22T08:30:00+08:00");
		}
		return date.getValue().toInstant();
	}
}
