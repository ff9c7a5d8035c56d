package health.yilian.server;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.provider.ValueSetOperationProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.parser.StrictErrorHandler;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.HardcodedServerAddressStrategy;
import ca.uhn.fhir.rest.server.IncomingRequestAddressStrategy;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The FHIR REST endpoint at {@code /fhir}: HAPI's {@link RestfulServer} with the JPA resource providers,
 * and every {@link YilianInterceptor} the capability packages contribute.
 */
@Configuration
public class FhirRestServerConfig {

	public static final String FHIR_PATH = "/fhir";

	@Bean
	public RestfulServer fhirServer(
			FhirContext fhirContext,
			ResourceProviderFactory resourceProviders,
			IFhirSystemDao<?, ?> systemDao,
			ca.uhn.fhir.jpa.provider.JpaSystemProvider<?, ?> systemProvider,
			ValueSetOperationProvider valueSetOperations,
			ca.uhn.fhir.batch2.jobs.export.BulkDataExportProvider bulkExport,
			JpaStorageSettings storageSettings,
			ISearchParamRegistry searchParamRegistry,
			IValidationSupport validationSupport,
			DatabaseBackedPagingProvider pagingProvider,
			IInterceptorService interceptorService,
			List<YilianInterceptor> interceptors,
			List<YilianOperationProvider> operations,
			YilianProperties yilian) {
		if (yilian.rulesEnabled()) {
			// Strict by default: an unknown element or a malformed value is refused, never silently dropped.
			fhirContext.setParserErrorHandler(new StrictErrorHandler());
			// Registered on the shared interceptor service so storage hooks also fire for internal writes
			// (demo loading, operations), not only for REST requests.
			interceptors.forEach(interceptorService::registerInterceptor);
		}

		RestfulServer server = new RestfulServer(fhirContext, interceptorService) {
			@Override
			protected void initialize() throws ServletException {
				super.initialize();
				setServerConformanceProvider(new JpaCapabilityStatementProvider(
						this, systemDao, storageSettings, searchParamRegistry, validationSupport));
			}

			/** Each request carries only the server's pointcuts: storage hooks would otherwise run twice ({@link ServerPointcutsOnly}). */
			@Override
			protected ca.uhn.fhir.rest.server.servlet.ServletRequestDetails newRequestDetails() {
				return new ca.uhn.fhir.rest.server.servlet.ServletRequestDetails(new ServerPointcutsOnly(getInterceptorService()));
			}

			@Override
			protected void service(HttpServletRequest request, HttpServletResponse response)
					throws ServletException, IOException {
				super.service(request, new ResponseFlushedWhenComplete(response));
			}
		};
		server.setServerName("Yilian FHIR server");
		// Whatever the rules: without it a request for Turtle fails with a 500.
		server.registerInterceptor(new TurtleNotOffered());
		server.registerProviders(resourceProviders.createProviders());
		// Bulk Data $export: the audit trail (and whatever auditors may read) as NDJSON for the health commission.
		server.registerProviders(systemProvider, valueSetOperations, bulkExport);
		server.registerProviders(List.copyOf(operations));
		server.setPagingProvider(pagingProvider);
		server.setDefaultResponseEncoding(EncodingEnum.JSON);
		server.setServerAddressStrategy(
				yilian.baseUrl().isBlank()
						? new IncomingRequestAddressStrategy()
						: new HardcodedServerAddressStrategy(yilian.baseUrl()));
		return server;
	}

	@Bean
	public ServletRegistrationBean<RestfulServer> fhirServlet(RestfulServer fhirServer) {
		ServletRegistrationBean<RestfulServer> registration =
				new ServletRegistrationBean<>(fhirServer, FHIR_PATH + "/*");
		registration.setName("fhir");
		// Initialise at start, not on the first request: a slow first call would look like an outage.
		registration.setLoadOnStartup(1);
		return registration;
	}
}
