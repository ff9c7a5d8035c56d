package health.yilian.security;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * {@code yilian.security.enabled=false}: everything open, as plain HAPI is, so that bench/ can compare like with
 * like. Without this chain Spring Boot would put its own login page in front of everything.
 */
@Configuration
@ConditionalOnProperty(name = "yilian.security.enabled", havingValue = "false")
public class OpenWhenSecurityIsOff {

	@Bean
	public SecurityFilterChain everythingOpen(HttpSecurity http) throws Exception {
		return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll()).csrf(csrf -> csrf.disable()).build();
	}
}
