package health.yilian.server;

import org.springframework.boot.ApplicationContextFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.web.servlet.context.AnnotationConfigServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * The server's application context, which freezes the bean definitions before it builds the web server instead of
 * after. Why: the FHIR servlet needs HAPI's RestfulServer, and that needs nearly every HAPI bean (some 1,200, among
 * them a DAO per resource type), so all of them are made while the web server is set up. Until the definitions are
 * frozen Spring has no by-type cache, and each of the thousands of injection points scans every definition; a start
 * on 2 cores spent seconds there (bench/RESULTS.md). The definitions are complete once the bean-factory
 * post-processors have run, which is before this point; singletons registered later clear the cache as usual.
 *
 * <p>Chosen through {@code META-INF/spring.factories}, so the tests' {@code @SpringBootTest} contexts are the same.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class DefinitionsFrozenBeforeWebServer implements ApplicationContextFactory {

	@Override
	public ConfigurableApplicationContext create(WebApplicationType webApplicationType) {
		return webApplicationType == WebApplicationType.SERVLET ? new Context() : null;
	}

	private static class Context extends AnnotationConfigServletWebServerApplicationContext {
		@Override
		protected void onRefresh() {
			getBeanFactory().freezeConfiguration();
			super.onRefresh();
		}
	}
}
