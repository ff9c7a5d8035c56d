package health.yilian.server;

import java.time.Clock;
import java.time.ZoneId;
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
}
