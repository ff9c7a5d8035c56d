package health.yilian.guide;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import health.yilian.server.YilianInterceptor;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.ImplementationGuide;
import org.springframework.stereotype.Component;

/** The CapabilityStatement names the guide the server enforces ({@code implementationGuide}, {@code url|version}). */
@Component
public class GuideInCapabilityStatement implements YilianInterceptor {

	private final String canonical;

	public GuideInCapabilityStatement(YilianGuide guide) {
		ImplementationGuide published = guide.implementationGuide();
		this.canonical = published.getUrl() + "|" + published.getVersion();
	}

	@Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
	public void implementationGuide(IBaseConformance statement) {
		if (statement instanceof CapabilityStatement capability) {
			capability.addImplementationGuide(canonical);
		}
	}
}
