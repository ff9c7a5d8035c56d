package health.yilian.server;

import ca.uhn.fhir.jpa.model.config.SubscriptionSettings;
import ca.uhn.fhir.jpa.subscription.match.config.SubscriptionProcessorConfig;
import ca.uhn.fhir.jpa.subscription.match.deliver.email.IEmailSender;
import ca.uhn.fhir.jpa.subscription.submit.config.SubscriptionSubmitterConfig;
import org.hl7.fhir.dstu2.model.Subscription;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * FHIR R4 Subscriptions, rest-hook only: how a receiving hospital hears of referrals for it
 * ({@code criteria = Task?owner=Organization/{itself}&status=requested}). HAPI's matcher runs in memory after each
 * commit and its delivery retries; both on in-process channels (one node; a cluster needs HAPI's message broker
 * channels). Topic-based (R5 backport) subscriptions are not enabled.
 */
@Configuration
@Import({SubscriptionSubmitterConfig.class, SubscriptionProcessorConfig.class})
public class FhirSubscriptionConfig {

	@Bean
	public SubscriptionSettings subscriptionSettings() {
		SubscriptionSettings settings = new SubscriptionSettings();
		settings.addSupportedSubscriptionType(Subscription.SubscriptionChannelType.RESTHOOK);
		return settings;
	}

	/**
	 * HAPI's delivery wiring asks for an email sender even when email subscriptions are off. Email is not a
	 * supported channel here (a Subscription asking for it is refused on create), so this is never called.
	 */
	@Bean
	public IEmailSender emailSender() {
		return details -> {
			throw new UnsupportedOperationException("email subscriptions are not enabled on this server");
		};
	}
}
