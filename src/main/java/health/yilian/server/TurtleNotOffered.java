package health.yilian.server;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * RDF (Turtle) is not offered: the server ships without Jena, which HAPI's Turtle parser needs (it cost memory and
 * start time for a format no member hospital sends, bench/RESULTS.md). HAPI would still pick Turtle for a request that
 * asks for it, or parse a body sent as Turtle, and fail with a 500 naming a missing class (and fail again writing the
 * error), so such a request is answered here, before HAPI: 406 (asks for Turtle) or 415 (sends Turtle) with an
 * OperationOutcome saying what to use instead.
 */
class TurtleNotOffered extends OncePerRequestFilter {

	private static final String ASKS = "Turtle (RDF) is not offered by this server: ask for application/fhir+json or application/fhir+xml "
			+ "(Accept header, or _format=json or _format=xml)";
	private static final String SENDS = "Turtle (RDF) is not accepted by this server: send application/fhir+json or application/fhir+xml";

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (request.getContentType() != null && isTurtle(request.getContentType().split(";")[0].trim())) {
			refuse(response, HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE, SENDS);
		} else if (asksForTurtle(request.getParameter("_format"), request.getHeader("Accept"))) {
			refuse(response, HttpServletResponse.SC_NOT_ACCEPTABLE, ASKS);
		} else {
			chain.doFilter(request, response);
		}
	}

	private static void refuse(HttpServletResponse response, int status, String why) throws IOException {
		response.setStatus(status);
		response.setContentType("application/fhir+json;charset=UTF-8");
		response.getOutputStream().write(("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"not-supported\","
				+ "\"diagnostics\":\"" + why + "\"}]}").getBytes(StandardCharsets.UTF_8));
	}

	/** {@code _format} names Turtle, or the Accept header ranks a Turtle type above every JSON, XML or wildcard type. */
	static boolean asksForTurtle(String format, String accept) {
		if (format != null) {
			return isTurtle(format.trim());
		}
		if (accept == null) {
			return false;
		}
		double turtle = -1;
		double other = -1;
		for (String range : accept.split(",")) {
			String[] parts = range.split(";");
			double q = 1;
			for (int i = 1; i < parts.length; i++) {
				String parameter = parts[i].trim();
				if (parameter.startsWith("q=")) {
					try {
						q = Double.parseDouble(parameter.substring(2));
					} catch (NumberFormatException e) {
						q = 0;
					}
				}
			}
			if (isTurtle(parts[0].trim())) {
				turtle = Math.max(turtle, q);
			} else {
				other = Math.max(other, q);
			}
		}
		return turtle > 0 && turtle > other;
	}

	private static boolean isTurtle(String type) {
		String t = type.toLowerCase(Locale.ROOT);
		return t.equals("ttl") || t.equals("turtle") || t.endsWith("/turtle") || t.endsWith("/x-turtle") || t.endsWith("+turtle");
	}
}
