import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pushes realistic lab bundles at a running FHIR server and times them; then times searches.
 *
 * <pre>java bench/LoadGenerator.java BASE_URL BUNDLES CONCURRENCY SEED [LIS_CLIENT:SECRET OPERATOR_CLIENT:SECRET]</pre>
 *
 * With clients, every request carries a bearer token from the server's token endpoint (client credentials, renewed
 * before it expires): the operator's to register the hospital and its lab, the LIS's for the bundles and searches.
 * Each bundle is one LIS transaction: a Patient (Chinese name, resident ID, conditional create), a
 * DiagnosticReport and five LOINC Observations (K, Na, Cl, Ca, glucose): 7 resources. Prints one line of
 * key=value figures that bench/run collects. Uses only the JDK so it runs on any machine with Java 17.
 */
public class LoadGenerator {

	private static final String SID = "https://yilian.health/fhir/sid/";
	private static final String LAB = "bench-lab";
	private static final String HOSPITAL = "deyang-peoples-hospital";
	private static final String LAB_ORGANIZATION = "{\"resourceType\":\"Organization\",\"id\":\"" + LAB + "\",\"active\":true,"
			+ "\"type\":[{\"coding\":[{\"system\":\"https://yilian.health/fhir/CodeSystem/yilian-organization-kind\",\"code\":\"laboratory\"}]}],"
			+ "\"name\":\"德阳市人民医院检验科\",\"partOf\":{\"reference\":\"Organization/" + HOSPITAL + "\"}}";
	/** The hospital's record numbers: the LIS files its patients under them (the access policy's ownership). */
	private static final String MRN = SID + "mrn/12510600452070001B";
	private static final String[] FAMILY = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "欧阳", "司马"};
	private static final String[] GIVEN = {"秀英", "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰"};
	private static final String[][] RESULTS = {
		{"2823-3", "钾", "Potassium [Moles/volume] in Serum or Plasma", "3.5", "5.3"},
		{"2951-2", "钠", "Sodium [Moles/volume] in Serum or Plasma", "137", "147"},
		{"2075-0", "氯", "Chloride [Moles/volume] in Serum or Plasma", "99", "110"},
		{"17861-6", "钙", "Calcium [Moles/volume] in Serum or Plasma", "2.11", "2.52"},
		{"2345-7", "葡萄糖", "Glucose [Moles/volume] in Serum or Plasma", "3.9", "6.1"}};
	private static final String[] CONCLUSIONS = {
		"血清钾、钠、氯、钙及空腹血糖均在参考范围内。", "血清钾偏低，建议复查并结合临床。", "空腹血糖升高，提示糖代谢异常，建议糖耐量试验。",
		"右肺上叶见磨玻璃肺结节，建议随访。", "电解质紊乱：低钠血症，请结合临床。"};

	public static void main(String[] args) throws Exception {
		String base = args[0];
		int bundles = Integer.parseInt(args[1]);
		int concurrency = Integer.parseInt(args[2]);
		int seed = Integer.parseInt(args[3]);
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
		Token lis = new Token(http, base, args.length > 4 ? args[4] : null);
		Token operator = new Token(http, base, args.length > 5 ? args[5] : null);
		String hospital = java.nio.file.Files.readString(java.nio.file.Path.of("ig/examples/Organization-" + HOSPITAL + ".json"));
		for (String[] organization : new String[][] {{HOSPITAL, hospital}, {LAB, LAB_ORGANIZATION}}) {
			HttpResponse<String> put = http.send(operator.sign(HttpRequest.newBuilder(URI.create(base + "/Organization/" + organization[0])))
					.header("Content-Type", "application/fhir+json; charset=UTF-8")
					.PUT(HttpRequest.BodyPublishers.ofString(organization[1], StandardCharsets.UTF_8)).build(),
					HttpResponse.BodyHandlers.ofString());
			if (put.statusCode() >= 300) {
				throw new IllegalStateException("Cannot create Organization/" + organization[0] + ": HTTP " + put.statusCode() + " " + put.body());
			}
		}

		List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
		AtomicInteger next = new AtomicInteger();
		AtomicInteger failures = new AtomicInteger();
		ExecutorService pool = Executors.newFixedThreadPool(concurrency);
		long start = System.nanoTime();
		List<Future<?>> workers = new ArrayList<>();
		for (int w = 0; w < concurrency; w++) {
			workers.add(pool.submit(() -> {
				for (int i = next.getAndIncrement(); i < bundles; i = next.getAndIncrement()) {
					String body = labBundle(seed, i);
					long t0 = System.nanoTime();
					try {
						HttpResponse<String> r = http.send(post(base, body, lis), HttpResponse.BodyHandlers.ofString());
						if (r.statusCode() != 200) {
							if (failures.incrementAndGet() <= 3) {
								System.err.println("HTTP " + r.statusCode() + ": " + r.body().substring(0, Math.min(400, r.body().length())));
							}
						}
					} catch (Exception e) {
						failures.incrementAndGet();
					}
					latencies.add(System.nanoTime() - t0);
				}
				return null;
			}));
		}
		for (Future<?> f : workers) {
			f.get();
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		pool.shutdown();

		List<Long> searches = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			int n = (i * 7919) % bundles;
			String query = switch (i % 4) {
				case 0 -> "Patient?identifier=" + enc(SID + "resident-id|" + residentId(seed, n));
				// A patient's reports and results from the patient, not by a chain: the access policy refuses a member system's
				// chains into records (they would select by what hidden records hold).
				case 1 -> "Patient?identifier=" + enc(SID + "resident-id|" + residentId(seed, n)) + "&_revinclude=DiagnosticReport:subject"
						+ "&_include:iterate=DiagnosticReport:result";
				case 2 -> "DiagnosticReport?identifier=" + enc(SID + "lis-report/12510600452070001B|LIS-" + seed + "-" + n);
				default -> "DiagnosticReport?_content=" + enc("肺结节") + "&_count=10";
			};
			long t0 = System.nanoTime();
			HttpResponse<String> r = http.send(lis.sign(HttpRequest.newBuilder(URI.create(base + "/" + query))).GET().build(),
					HttpResponse.BodyHandlers.ofString());
			if (r.statusCode() != 200) {
				failures.incrementAndGet();
			}
			searches.add(System.nanoTime() - t0);
		}

		System.out.printf(Locale.ROOT,
				"bundles=%d concurrency=%d resources_per_s=%.1f bundle_p50_ms=%.1f bundle_p95_ms=%.1f search_p50_ms=%.1f search_p95_ms=%.1f failures=%d%n",
				bundles, concurrency, bundles * 7 / seconds, pct(latencies, 50), pct(latencies, 95), pct(searches, 50), pct(searches, 95), failures.get());
	}

	private static HttpRequest post(String base, String body, Token token) throws Exception {
		return token.sign(HttpRequest.newBuilder(URI.create(base)))
				.header("Content-Type", "application/fhir+json; charset=UTF-8")
				.header("Prefer", "return=minimal")
				.POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
				.build();
	}

	/** A client's bearer token by client credentials, fetched again a minute before it expires; none without a client. */
	static final class Token {
		private final HttpClient http;
		private final String endpoint;
		private final String client;
		private String value;
		private long renewAt;

		Token(HttpClient http, String base, String client) {
			this.http = http;
			this.endpoint = base.replaceFirst("/fhir/?$", "") + "/oauth2/token";
			this.client = client;
		}

		synchronized HttpRequest.Builder sign(HttpRequest.Builder request) throws Exception {
			if (client == null) {
				return request;
			}
			if (value == null || System.nanoTime() > renewAt) {
				HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint))
						.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(client.getBytes(StandardCharsets.UTF_8)))
						.header("Content-Type", "application/x-www-form-urlencoded")
						.POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(), HttpResponse.BodyHandlers.ofString());
				if (r.statusCode() != 200) {
					throw new IllegalStateException("no token for " + client.split(":")[0] + ": HTTP " + r.statusCode() + " " + r.body());
				}
				value = r.body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
				int lifetime = Integer.parseInt(r.body().replaceAll(".*\"expires_in\":([0-9]+).*", "$1"));
				renewAt = System.nanoTime() + Math.max(10, lifetime - 60) * 1_000_000_000L;
			}
			return request.header("Authorization", "Bearer " + value);
		}
	}

	/** A valid 18-character resident ID (GB 11643 check digit), unique per bundle and seed. */
	static String residentId(int seed, int i) {
		String birth = java.time.LocalDate.of(1940, 1, 1).plusDays(i % 20000).format(java.time.format.DateTimeFormatter.BASIC_ISO_DATE);
		String body = "510603" + birth + String.format(Locale.ROOT, "%03d", (seed * 37 + i / 20000) % 1000);
		int[] w = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
		int sum = 0;
		for (int k = 0; k < 17; k++) {
			sum += (body.charAt(k) - '0') * w[k];
		}
		return body + "10X98765432".charAt(sum % 11);
	}

	static String labBundle(int seed, int i) {
		String rid = residentId(seed, i);
		String patient = "urn:uuid:00000000-0000-4000-8000-" + String.format("%012d", i);
		String report = "LIS-" + seed + "-" + i;
		StringBuilder b = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[");
		b.append("{\"fullUrl\":\"").append(patient).append("\",\"resource\":{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"")
				.append(SID).append("resident-id\",\"value\":\"").append(rid).append("\"},{\"system\":\"").append(MRN)
				.append("\",\"value\":\"B").append(seed).append("-").append(i).append("\"}],\"name\":[{\"text\":\"")
				.append(FAMILY[i % FAMILY.length]).append(GIVEN[(i / 3) % GIVEN.length]).append("\",\"family\":\"")
				.append(FAMILY[i % FAMILY.length]).append("\",\"given\":[\"").append(GIVEN[(i / 3) % GIVEN.length])
				.append("\"]}],\"gender\":\"").append(i % 2 == 0 ? "female" : "male").append("\",\"birthDate\":\"")
				.append(1940 + (i % 60)).append("-0").append(1 + (i % 9)).append("-1").append(i % 10)
				.append("\"},\"request\":{\"method\":\"POST\",\"url\":\"Patient\",\"ifNoneExist\":\"identifier=")
				.append(SID).append("resident-id|").append(rid).append("\"}}");
		List<String> obs = new ArrayList<>();
		for (int k = 0; k < RESULTS.length; k++) {
			String[] r = RESULTS[k];
			String id = "urn:uuid:00000000-0000-4000-9" + k + "00-" + String.format("%012d", i);
			obs.add(id);
			double low = Double.parseDouble(r[3]);
			double high = Double.parseDouble(r[4]);
			double value = Math.round((low + (high - low) * ((i * 31 + k * 17) % 100) / 100.0) * 100) / 100.0;
			b.append(",{\"fullUrl\":\"").append(id).append("\",\"resource\":{\"resourceType\":\"Observation\",\"status\":\"final\",")
					.append("\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":\"laboratory\"}]}],")
					.append("\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"").append(r[0]).append("\",\"display\":\"")
					.append(r[2]).append("\"}],\"text\":\"血清").append(r[1]).append("\"},\"subject\":{\"reference\":\"").append(patient)
					.append("\"},\"effectiveDateTime\":\"2026-11-0").append(1 + (i % 9)).append("T08:20:00+08:00\",")
					.append("\"performer\":[{\"reference\":\"Organization/").append(LAB).append("\"}],")
					.append("\"valueQuantity\":{\"value\":").append(value).append(",\"unit\":\"mmol/L\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"mmol/L\"},")
					.append("\"referenceRange\":[{\"low\":{\"value\":").append(r[3]).append(",\"unit\":\"mmol/L\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"mmol/L\"},")
					.append("\"high\":{\"value\":").append(r[4]).append(",\"unit\":\"mmol/L\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"mmol/L\"}}]},")
					.append("\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}");
		}
		b.append(",{\"resource\":{\"resourceType\":\"DiagnosticReport\",\"identifier\":[{\"system\":\"").append(SID)
				.append("lis-report/12510600452070001B\",\"value\":\"").append(report).append("\"}],\"status\":\"final\",")
				.append("\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v2-0074\",\"code\":\"LAB\"}]}],")
				.append("\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"51990-0\",\"display\":\"Basic metabolic panel - Blood\"}],\"text\":\"电解质+血糖\"},")
				.append("\"subject\":{\"reference\":\"").append(patient).append("\"},\"effectiveDateTime\":\"2026-11-0").append(1 + (i % 9))
				.append("T08:20:00+08:00\",\"issued\":\"2026-11-0").append(1 + (i % 9)).append("T10:05:00+08:00\",")
				.append("\"performer\":[{\"reference\":\"Organization/").append(LAB).append("\"}],\"result\":[");
		for (int k = 0; k < obs.size(); k++) {
			b.append(k == 0 ? "" : ",").append("{\"reference\":\"").append(obs.get(k)).append("\"}");
		}
		b.append("],\"conclusion\":\"").append(CONCLUSIONS[i % CONCLUSIONS.length])
				.append("\"},\"request\":{\"method\":\"POST\",\"url\":\"DiagnosticReport\"}}]}");
		return b.toString();
	}

	private static double pct(List<Long> nanos, int p) {
		List<Long> sorted = new ArrayList<>(nanos);
		Collections.sort(sorted);
		if (sorted.isEmpty()) {
			return 0;
		}
		return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)) / 1e6;
	}

	private static String enc(String s) {
		return URLEncoder.encode(s, StandardCharsets.UTF_8);
	}
}
