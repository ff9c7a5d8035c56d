package health.yilian.server;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/** A real {@link Clock} the tests set, so that date rules can be driven day by day (no mocking). */
public class TestClock extends Clock {

	public static final LocalDate TODAY = LocalDate.of(2026, 11, 22);

	private final AtomicReference<Instant> now = new AtomicReference<>();

	public TestClock() {
		reset();
	}

	/** Ten in the morning, China time, on {@code day}. */
	public void setDay(LocalDate day) {
		now.set(day.atTime(10, 0).atZone(ClockConfig.CHINA).toInstant());
	}

	/** An instant, for rules counted to the minute (a validity window ends at its effective time's hour). */
	public void set(Instant instant) {
		now.set(instant);
	}

	public void reset() {
		setDay(TODAY);
	}

	@Override
	public ZoneId getZone() {
		return ClockConfig.CHINA;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		return Clock.fixed(now.get(), zone);
	}

	@Override
	public Instant instant() {
		return now.get();
	}

	@TestConfiguration
	public static class Config {
		@Bean
		@Primary
		public TestClock testClock() {
			return new TestClock();
		}
	}
}
