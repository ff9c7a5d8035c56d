import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Data and timing for mutual recognition at scale (bench/recognition).
 *
 * <pre>
 * java bench/RecognitionBench.java load  BASE_URL PATIENTS CONCURRENCY   one alliance, PATIENTS x 5 reports
 * java bench/RecognitionBench.java query BASE_URL PATIENTS KIND COUNT    KIND: search | recognizable
 * </pre>
 *
 * The alliance: a 三甲 hospital whose lab holds a passing EQA for the catalogue's lab items, and a community
 * centre that asks. Each patient (resident ID) has five lab reports (K, glucose, HbA1c, cholesterol, Na), each
 * with one Observation, effective over the last 60 days, so validity windows of 7, 30 and 60 days cut some out.
 * {@code search} is what plain HAPI offers a receiving doctor (the patient's final reports with their results);
 * {@code recognizable} is {@code Patient/$recognizable}. Uses only the JDK.
 */
public class RecognitionBench {

	private static final String SID = "https://yilian.health/fhir/sid/";
	private static final String SD = "https://yilian.health/fhir/StructureDefinition/";
	private static final String CATALOGUE = "https://yilian.health/fhir/CodeSystem/yilian-recognition-catalogue";
	private static final String[][] ITEMS = {
		{"2823-3", "K", "血清钾", "4.1", "mmol/L"}, {"2345-7", "GLU", "空腹血糖", "5.3", "mmol/L"},
		{"4548-4", "HbA1c", "糖化血红蛋白", "6.1", "%"}, {"2093-3", "TC", "总胆固醇", "4.8", "mmol/L"},
		{"2951-2", "Na", "血清钠", "141", "mmol/L"}};
	private static final int REPORTS_PER_PATIENT = ITEMS.length;
	private static final int PATIENTS_PER_BUNDLE = 10;
	private static final HttpClient HTTP = HttpClient.newHttpClient();

	public static void main(String[] args) throws Exception {
		String base = args[1];
		int patients = Integer.parseInt(args[2]);
		if (args[0].equals("load")) {
			alliance(base);
			load(base, patients, Integer.parseInt(args[3]));
		} else {
			query(base, patients, args[3], Integer.parseInt(args[4]));
		}
	}

	private static void alliance(String base) throws Exception {
		put(base, "Organization/bench-hospital", "{\"resourceType\":\"Organization\",\"id\":\"bench-hospital\",\"active\":true,"
				+ "\"type\":[{\"coding\":[{\"system\":\"https://yilian.health/fhir/CodeSystem/yilian-organization-kind\",\"code\":\"hospital\"}]},"
				+ "{\"coding\":[{\"system\":\"https://yilian.health/fhir/CodeSystem/yilian-hospital-grade\",\"code\":\"3A\"}]}],\"name\":\"德阳市人民医院\"}");
		put(base, "Organization/bench-community", "{\"resourceType\":\"Organization\",\"id\":\"bench-community\",\"active\":true,"
				+ "\"type\":[{\"coding\":[{\"system\":\"https://yilian.health/fhir/CodeSystem/yilian-organization-kind\",\"code\":\"hospital\"}]},"
				+ "{\"coding\":[{\"system\":\"https://yilian.health/fhir/CodeSystem/yilian-hospital-grade\",\"code\":\"community\"}]}],\"name\":\"旌阳区城北社区卫生服务中心\"}");
		put(base, "Organization/bench-alliance", "{\"resourceType\":\"Organization\",\"id\":\"bench-alliance\",\"active\":true,"
				+ "\"extension\":[{\"url\":\"" + SD + "yilian-recognition-policy\",\"valueCode\":\"same-or-higher\"},"
				+ "{\"url\":\"" + SD + "yilian-sharing-policy\",\"valueCode\":\"opt-out\"}],"
				+ "\"type\":[{\"coding\":[{\"system\":\"https://yilian.health/fhir/CodeSystem/yilian-organization-kind\",\"code\":\"alliance\"}]}],\"name\":\"德阳市城市医疗集团\"}");
		StringBuilder items = new StringBuilder();
		for (String[] item : ITEMS) {
			items.append(",{\"url\":\"").append(SD).append("yilian-qc-item\",\"valueCoding\":{\"system\":\"").append(CATALOGUE)
					.append("\",\"code\":\"").append(item[1]).append("\"}}");
		}
		put(base, "Organization/bench-lab", "{\"resourceType\":\"Organization\",\"id\":\"bench-lab\",\"active\":true,"
				+ "\"extension\":[{\"url\":\"http://hl7.org/fhir/5.0/StructureDefinition/extension-Organization.qualification\",\"extension\":["
				+ "{\"url\":\"code\",\"valueCodeableConcept\":{\"text\":\"室间质量评价 EQA\"}},"
				+ "{\"url\":\"period\",\"valuePeriod\":{\"start\":\"2020-01-01\",\"end\":\"2030-12-31\"}},"
				+ "{\"url\":\"issuer\",\"valueReference\":{\"display\":\"四川省临床检验中心\"}},"
				+ "{\"url\":\"" + SD + "yilian-qc-status\",\"valueCode\":\"passed\"}" + items + "]}],"
				+ "\"type\":[{\"coding\":[{\"system\":\"https://yilian.health/fhir/CodeSystem/yilian-organization-kind\",\"code\":\"laboratory\"}]}],"
				+ "\"name\":\"德阳市人民医院检验科\",\"partOf\":{\"reference\":\"Organization/bench-hospital\"}}");
		for (String member : new String[] {"bench-hospital", "bench-community"}) {
			put(base, "OrganizationAffiliation/membership-" + member, "{\"resourceType\":\"OrganizationAffiliation\",\"id\":\"membership-" + member
					+ "\",\"active\":true,\"period\":{\"start\":\"2024-01-01\"},\"organization\":{\"reference\":\"Organization/bench-alliance\"},"
					+ "\"participatingOrganization\":{\"reference\":\"Organization/" + member + "\"},\"network\":[{\"reference\":\"Organization/bench-alliance\"}]}");
		}
	}

	private static void load(String base, int patients, int concurrency) throws Exception {
		int bundles = (patients + PATIENTS_PER_BUNDLE - 1) / PATIENTS_PER_BUNDLE;
		AtomicInteger next = new AtomicInteger();
		AtomicInteger failures = new AtomicInteger();
		ExecutorService pool = Executors.newFixedThreadPool(concurrency);
		long start = System.nanoTime();
		List<Future<?>> workers = new ArrayList<>();
		for (int w = 0; w < concurrency; w++) {
			workers.add(pool.submit(() -> {
				for (int b = next.getAndIncrement(); b < bundles; b = next.getAndIncrement()) {
					HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base))
							.header("Content-Type", "application/fhir+json; charset=UTF-8").header("Prefer", "return=minimal")
							.POST(HttpRequest.BodyPublishers.ofString(bundle(b, Math.min(patients, (b + 1) * PATIENTS_PER_BUNDLE)), StandardCharsets.UTF_8)).build(),
							HttpResponse.BodyHandlers.ofString());
					if (r.statusCode() != 200 && failures.incrementAndGet() <= 3) {
						System.err.println("HTTP " + r.statusCode() + ": " + r.body().substring(0, Math.min(400, r.body().length())));
					}
				}
				return null;
			}));
		}
		for (Future<?> f : workers) {
			f.get();
		}
		pool.shutdown();
		System.out.printf(Locale.ROOT, "patients=%d reports=%d resources=%d load_s=%.0f failures=%d%n", patients,
				patients * REPORTS_PER_PATIENT, patients * (1 + 2 * REPORTS_PER_PATIENT), (System.nanoTime() - start) / 1e9, failures.get());
	}

	/** Patients {@code b*10 ..< end}, each with its five reports and their results, as one LIS transaction. */
	private static String bundle(int b, int end) {
		StringBuilder json = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[");
		for (int p = b * PATIENTS_PER_BUNDLE; p < end; p++) {
			String patient = "urn:uuid:00000000-0000-4000-8000-" + String.format("%012d", p);
			String rid = residentId(p);
			json.append(p == b * PATIENTS_PER_BUNDLE ? "" : ",").append("{\"fullUrl\":\"").append(patient)
					.append("\",\"resource\":{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"").append(SID).append("resident-id\",\"value\":\"")
					.append(rid).append("\"}],\"name\":[{\"text\":\"患者").append(p).append("\"}],\"gender\":\"").append(p % 2 == 0 ? "female" : "male")
					.append("\"},\"request\":{\"method\":\"POST\",\"url\":\"Patient\",\"ifNoneExist\":\"identifier=").append(SID)
					.append("resident-id|").append(rid).append("\"}}");
			for (int r = 0; r < REPORTS_PER_PATIENT; r++) {
				String[] item = ITEMS[r];
				String effective = LocalDate.now().minusDays((p * 7L + r * 11L) % 60) + "T08:20:00+08:00";
				String observation = "urn:uuid:00000000-0000-4000-9" + r + "00-" + String.format("%012d", p);
				json.append(",{\"fullUrl\":\"").append(observation).append("\",\"resource\":{\"resourceType\":\"Observation\",\"status\":\"final\",")
						.append("\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":\"laboratory\"}]}],")
						.append("\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"").append(item[0]).append("\"}],\"text\":\"").append(item[2])
						.append("\"},\"subject\":{\"reference\":\"").append(patient).append("\"},\"effectiveDateTime\":\"").append(effective)
						.append("\",\"performer\":[{\"reference\":\"Organization/bench-lab\"}],\"valueQuantity\":{\"value\":").append(item[3])
						.append(",\"unit\":\"").append(item[4]).append("\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"").append(item[4])
						.append("\"}},\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}");
				json.append(",{\"resource\":{\"resourceType\":\"DiagnosticReport\",\"identifier\":[{\"system\":\"").append(SID)
						.append("lis-report/12510600452070001B\",\"value\":\"BENCH-").append(p).append('-').append(r).append("\"}],\"status\":\"final\",")
						.append("\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v2-0074\",\"code\":\"LAB\"}]}],")
						.append("\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"").append(item[0]).append("\"}],\"text\":\"").append(item[2])
						.append("\"},\"subject\":{\"reference\":\"").append(patient).append("\"},\"effectiveDateTime\":\"").append(effective)
						.append("\",\"issued\":\"").append(effective).append("\",\"performer\":[{\"reference\":\"Organization/bench-lab\"}],")
						.append("\"result\":[{\"reference\":\"").append(observation).append("\"}]},\"request\":{\"method\":\"POST\",\"url\":\"DiagnosticReport\"}}");
			}
		}
		return json.append("]}").toString();
	}

	private static void query(String base, int patients, String kind, int count) throws Exception {
		List<Long> latencies = new ArrayList<>();
		int failures = 0;
		for (int i = 0; i < count + 20; i++) {
			String rid = URLEncoder.encode(SID + "resident-id|" + residentId((int) ((i * 7919L) % patients)), StandardCharsets.UTF_8);
			String path = kind.equals("recognizable")
					? "/Patient/$recognizable?identifier=" + rid + "&requester=Organization/bench-community"
					: "/DiagnosticReport?subject:Patient.identifier=" + rid + "&status=final,amended,corrected&_include=DiagnosticReport:result";
			long t0 = System.nanoTime();
			HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
			if (r.statusCode() != 200) {
				failures++;
			}
			if (i >= 20) {
				latencies.add(System.nanoTime() - t0);
			}
		}
		Collections.sort(latencies);
		System.out.printf(Locale.ROOT, "kind=%s queries=%d p50_ms=%.1f p95_ms=%.1f failures=%d%n", kind, count,
				latencies.get(count / 2) / 1e6, latencies.get((int) Math.ceil(count * 0.95) - 1) / 1e6, failures);
	}

	private static void put(String base, String path, String json) throws Exception {
		HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/" + path))
				.header("Content-Type", "application/fhir+json; charset=UTF-8")
				.PUT(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
		if (r.statusCode() >= 300) {
			throw new IllegalStateException(path + ": HTTP " + r.statusCode() + " " + r.body());
		}
	}

	/** A valid resident ID (GB 11643 check digit), one per patient number. */
	private static String residentId(int p) {
		String birth = LocalDate.of(1940, 1, 1).plusDays(p % 20000).format(java.time.format.DateTimeFormatter.BASIC_ISO_DATE);
		String body = "510681" + birth + String.format(Locale.ROOT, "%03d", (p / 20000) % 1000);
		int[] w = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
		int sum = 0;
		for (int k = 0; k < 17; k++) {
			sum += (body.charAt(k) - '0') * w[k];
		}
		return body + "10X98765432".charAt(sum % 11);
	}
}
