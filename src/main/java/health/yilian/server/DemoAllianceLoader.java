package health.yilian.server;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Meta;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;

/**
 * Loads the demo alliance (德阳市城市医疗集团: lead hospital, members, a patient and her reports) when
 * {@code yilian.demo-data} is on. Every entry is a conditional create on its identifier, so a restart loads
 * nothing twice and a database that already holds the records is left as it is.
 */
@Component
public class DemoAllianceLoader {

	private static final Logger log = LoggerFactory.getLogger(DemoAllianceLoader.class);
	static final String DEMO_BUNDLE = "demo/yilian-demo-alliance.json";

	private final FhirContext fhirContext;
	private final IFhirSystemDao<Bundle, Meta> systemDao;
	private final YilianProperties yilian;

	public DemoAllianceLoader(FhirContext fhirContext, IFhirSystemDao<Bundle, Meta> systemDao, YilianProperties yilian) {
		this.fhirContext = fhirContext;
		this.systemDao = systemDao;
		this.yilian = yilian;
	}

	@EventListener(ApplicationReadyEvent.class)
	public void loadDemoAlliance() throws IOException {
		if (!yilian.demoData()) {
			return;
		}
		try (InputStream in = new ClassPathResource(DEMO_BUNDLE).getInputStream()) {
			Bundle transaction = fhirContext.newJsonParser().parseResource(Bundle.class, new String(in.readAllBytes(), StandardCharsets.UTF_8));
			Bundle response = systemDao.transaction(new SystemRequestDetails(), transaction);
			long created = response.getEntry().stream()
					.filter(e -> e.getResponse().getStatus().startsWith("201"))
					.count();
			log.info("Demo alliance: {} of {} resources created (the rest were already there)", created, response.getEntry().size());
		}
	}
}
