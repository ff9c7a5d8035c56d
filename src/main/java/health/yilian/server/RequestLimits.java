package health.yilian.server;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * What one request may ask of the server, so that no single request can take it down (a 35 MB Bundle or a
 * 100,000-entry transaction once ended the process with an OutOfMemoryError): a body larger than
 * {@code yilian.limits.max-request-body} is refused with 413 before it is read (by its {@code Content-Length}) or as
 * soon as it grows past the limit (a chunked body), and a batch or transaction with more than
 * {@code yilian.limits.max-bundle-entries} entries is refused with 413 before any entry is processed, and a search
 * {@code _offset} beyond {@code yilian.limits.max-search-offset} with 400. Each answer is an OperationOutcome saying
 * what the limit is and how to ask within it.
 */
@Component
public class RequestLimits implements YilianInterceptor {

	/**
	 * @param maxRequestBody the largest request body accepted (a LIS transaction is about 10 KB, an imaging report with
	 *     its PDF a few MB)
	 * @param maxBundleEntries the most entries of one batch or transaction
	 * @param maxSearchOffset the largest {@code _offset} of a search (beyond it, follow the paging links)
	 * @param maxStringLength the longest string value in characters, attachment data excepted ({@link RequestDecoding})
	 */
	@ConfigurationProperties("yilian.limits")
	public record Settings(@DefaultValue("8MB") DataSize maxRequestBody, @DefaultValue("1000") int maxBundleEntries,
			@DefaultValue("10000") int maxSearchOffset, @DefaultValue("1048576") int maxStringLength) {}

	private final Settings settings;

	public RequestLimits(Settings settings) {
		this.settings = settings;
	}

	/** First of all filters: a body too large is refused before authentication, parsing or anything else reads it. */
	@Bean
	public FilterRegistrationBean<OncePerRequestFilter> requestBodyLimit() {
		long max = settings.maxRequestBody().toBytes();
		OncePerRequestFilter filter = new OncePerRequestFilter() {
			@Override
			protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
					throws ServletException, IOException {
				if (request.getContentLengthLong() > max) {
					refuse(response, tooLarge(request.getContentLengthLong(), max));
					return;
				}
				chain.doFilter(new BoundedBody(request, max), response);
			}
		};
		FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(filter);
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void withinLimits(RequestDetails request, RestOperationTypeEnum interaction) {
		String[] offset = request.getParameters() == null ? null : request.getParameters().get(ca.uhn.fhir.rest.api.Constants.PARAM_OFFSET);
		if (offset != null && offset.length > 0 && !offsetWithinLimit(offset[0])) {
			// HAPI adds _offset and _count as ints: a huge offset overflowed into a 500.
			throw new ca.uhn.fhir.rest.server.exceptions.InvalidRequestException("_offset: '" + offset[0] + "' is not a number from 0 to "
					+ settings.maxSearchOffset() + " (yilian.limits.max-search-offset); page further with the Bundle's next links");
		}
		if ((interaction == RestOperationTypeEnum.TRANSACTION || interaction == RestOperationTypeEnum.BATCH)
				&& request.getResource() instanceof IBaseBundle bundle && bundle instanceof Bundle r4
				&& r4.getEntry().size() > settings.maxBundleEntries()) {
			throw new PayloadTooLargeException("Bundle.entry: " + r4.getEntry().size() + " entries, more than this server takes in one "
					+ interaction.getCode() + " (yilian.limits.max-bundle-entries = " + settings.maxBundleEntries()
					+ "); send them in several bundles");
		}
	}

	private boolean offsetWithinLimit(String offset) {
		try {
			long value = Long.parseLong(offset.trim());
			return value >= 0 && value <= settings.maxSearchOffset();
		} catch (NumberFormatException e) {
			return false;
		}
	}

	private static String tooLarge(long size, long max) {
		return "the request body" + (size > 0 ? " of " + size + " bytes" : "") + " is larger than this server accepts ("
				+ max + " bytes, yilian.limits.max-request-body); send large documents as Binary in parts, or fewer resources per bundle";
	}

	private static void refuse(HttpServletResponse response, String why) throws IOException {
		response.setStatus(413);
		response.setContentType("application/fhir+json;charset=UTF-8");
		response.getOutputStream().write(("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"too-long\","
				+ "\"diagnostics\":\"" + why + "\"}]}").getBytes(StandardCharsets.UTF_8));
	}

	/** A request whose body stops with 413 once it has given more than the limit (HAPI answers the exception). */
	private static final class BoundedBody extends HttpServletRequestWrapper {

		private final long max;
		private ServletInputStream stream;

		BoundedBody(HttpServletRequest request, long max) {
			super(request);
			this.max = max;
		}

		@Override
		public ServletInputStream getInputStream() throws IOException {
			if (stream == null) {
				ServletInputStream in = super.getInputStream();
				stream = new ServletInputStream() {
					private long read;

					@Override
					public int read() throws IOException {
						int b = in.read();
						count(b < 0 ? 0 : 1);
						return b;
					}

					@Override
					public int read(byte[] buffer, int offset, int length) throws IOException {
						int n = in.read(buffer, offset, length);
						count(Math.max(n, 0));
						return n;
					}

					private void count(int n) {
						read += n;
						if (read > max) {
							throw new PayloadTooLargeException(tooLarge(-1, max));
						}
					}

					@Override
					public boolean isFinished() {
						return in.isFinished();
					}

					@Override
					public boolean isReady() {
						return in.isReady();
					}

					@Override
					public void setReadListener(ReadListener listener) {
						in.setReadListener(listener);
					}
				};
			}
			return stream;
		}
	}
}
