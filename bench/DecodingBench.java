import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import health.yilian.server.RequestDecoding;
import health.yilian.server.RequestLimits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.util.unit.DataSize;

/**
 * What the request decoding pass (charset, duplicate keys, string lengths, half characters) costs on ingest, against
 * what HAPI spends parsing the same body, which every write pays anyway: the LIS transaction of bench/LoadGenerator
 * (a patient, a report, five results), in one JVM, after warm-up. Run by bench/decoding.
 */
public class DecodingBench {

	public static void main(String[] args) throws Exception {
		String patient = Files.readString(Path.of("ig/examples/Patient-wang-xiuying.json"));
		String report = Files.readString(Path.of("ig/examples/DiagnosticReport-lab-report-wang-xiuying.json"));
		StringBuilder body = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[");
		body.append("{\"resource\":").append(patient).append(",\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}},");
		body.append("{\"resource\":").append(report).append(",\"request\":{\"method\":\"POST\",\"url\":\"DiagnosticReport\"}}");
		for (String result : new String[] {"potassium", "sodium", "chloride", "calcium", "glucose"}) {
			body.append(",{\"resource\":").append(Files.readString(Path.of("ig/examples/Observation-" + result + "-wang-xiuying.json")))
					.append(",\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}");
		}
		byte[] bytes = body.append("]}").toString().getBytes(StandardCharsets.UTF_8);
		RequestDecoding decoding = new RequestDecoding(new RequestLimits.Settings(DataSize.ofMegabytes(8), 1000, 10000, 1_048_576));
		FhirContext fhir = FhirContext.forR4();
		int rounds = Integer.parseInt(args.length > 0 ? args[0] : "20000");
		for (int warm = 0; warm < 2; warm++) {
			long decode = 0;
			long parse = 0;
			for (int i = 0; i < rounds; i++) {
				ServletRequestDetails request = request(bytes);
				long t0 = System.nanoTime();
				decoding.decodable(request);
				long t1 = System.nanoTime();
				fhir.newJsonParser().parseResource(new String(request.loadRequestContents(), StandardCharsets.UTF_8));
				long t2 = System.nanoTime();
				decode += t1 - t0;
				parse += t2 - t1;
			}
			if (warm == 1) {
				System.out.printf("body %d bytes, %d rounds, %d cores: decoding pass %.1f µs, HAPI parse %.1f µs, ratio %.3f%n",
						bytes.length, rounds, Runtime.getRuntime().availableProcessors(), decode / 1e3 / rounds, parse / 1e3 / rounds,
						(double) decode / parse);
			}
		}
	}

	private static ServletRequestDetails request(byte[] body) {
		MockHttpServletRequest servlet = new MockHttpServletRequest("POST", "/fhir");
		servlet.setContentType("application/fhir+json");
		servlet.setContent(body);
		ServletRequestDetails request = new ServletRequestDetails();
		request.setServletRequest(servlet);
		request.setRequestContents(body); // as HAPI holds it once read (no RestfulServer here to read it)
		return request;
	}
}
