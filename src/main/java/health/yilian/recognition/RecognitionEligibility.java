package health.yilian.recognition;

import health.yilian.membership.HospitalLevels;
import health.yilian.membership.MemberRoll;
import health.yilian.membership.Memberships;
import health.yilian.membership.PartOf;
import health.yilian.quality.QcStanding;
import health.yilian.sharing.PatientRecords;
import health.yilian.sharing.SharingConsents;
import health.yilian.server.ClockConfig;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Organization;
import org.springframework.stereotype.Component;

/**
 * Is a report recognisable (检查检验结果互认), and if not, why? All must hold (000 art.18, 003, the 2022 national
 * rule):
 * <ol>
 *   <li>{@code not-final}: the report is final, amended or corrected;</li>
 *   <li>{@code not-catalogued}: its item is one the alliance recognises (its {@code yilian-recognition-items}, else the
 *       whole catalogue: {@link RecognitionCatalogue});</li>
 *   <li>{@code qc-not-passed}: the performer held a passing QC qualification for the item on the report's date;</li>
 *   <li>{@code expired}: the item's validity window has not run out: it is counted in instants, from the effective time
 *       to {@code valid-until} = effective time + the item's {@code validity-days} in that alliance × 24 h, which is expired
 *       (the HR mark, {@code $recognition} and {@code valid-until} agree at every instant);</li>
 *   <li>{@code requester-not-member}: the requester is an active member of some alliance on the evaluation day;</li>
 *   <li>{@code performer-not-member}: the performer was an active member, on the report's date, of an alliance the
 *       requester belongs to;</li>
 *   <li>{@code level-rule}: in that alliance the performer is of the requester's level or higher, unless the
 *       alliance's {@code yilian-recognition-policy} is {@code all-levels};</li>
 *   <li>{@code consent-denied}: the patient's sharing consent allows sharing in that alliance.</li>
 * </ol>
 * Departments (检验科, 影像科) are members through the hospital they are {@code partOf}, and have its level.
 *
 * <p>Without a requester the answer is the report's own HR mark, shown on every read: the conditions that do not
 * depend on who asks (1–4 and 6 against any alliance of the performer).
 */
@Component
public class RecognitionEligibility {

	public static final String POLICY = "https://yilian.health/fhir/StructureDefinition/yilian-recognition-policy";
	static final Set<DiagnosticReport.DiagnosticReportStatus> FINAL = Set.of(DiagnosticReport.DiagnosticReportStatus.FINAL,
			DiagnosticReport.DiagnosticReportStatus.AMENDED, DiagnosticReport.DiagnosticReportStatus.CORRECTED);

	public record Reason(String code, String text) {}

	/** Where the report is recognised: the alliance whose HR mark it carries, the item, and until when. */
	public record Recognition(Organization alliance, Coding item, DateTimeType validUntil) {
		public String hrMark() {
			return alliance.getName() + "HR";
		}
	}

	/** Failing conditions (none when recognisable), and the recognition when there is one. */
	public record Verdict(List<Reason> failures, Optional<Recognition> recognition, Optional<DateTimeType> validUntil) {
		public boolean eligible() {
			return failures.isEmpty() && recognition.isPresent();
		}
	}

	private final MemberRoll roll;
	private final HospitalLevels levels;
	private final RecognitionCatalogue catalogue;
	private final SharingConsents sharing;
	private final PatientRecords patientRecords;

	public RecognitionEligibility(MemberRoll roll, HospitalLevels levels,
			RecognitionCatalogue catalogue, SharingConsents sharing, PatientRecords patientRecords) {
		this.roll = roll;
		this.levels = levels;
		this.catalogue = catalogue;
		this.sharing = sharing;
		this.patientRecords = patientRecords;
	}

	/**
	 * An evaluation for one requester ({@code Organization/{id}}; empty: the report's own HR mark) at one instant: the
	 * validity window is counted to the instant, memberships, consents and the requester's standing by that instant's
	 * day in China. It
	 * remembers the person's records and the sharing answers it has found, so one evaluation serves every report of
	 * a patient; organisations and memberships come from the {@link MemberRoll}.
	 */
	public Evaluation at(Instant instant, Optional<String> requester) {
		return new Evaluation(instant, requester);
	}

	public final class Evaluation {

		private final Instant instant;
		private final LocalDate day;
		private final Optional<String> requester;
		private final Map<String, List<String>> personOf = new HashMap<>();
		private final Map<String, Boolean> sharingPermitted = new HashMap<>();

		private Evaluation(Instant instant, Optional<String> requester) {
			this.instant = instant;
			this.day = instant.atZone(ClockConfig.CHINA).toLocalDate();
			this.requester = requester;
		}

		/** The caller already knows the person's records (all their Patient references); saves looking them up. */
		public Evaluation samePerson(List<String> records) {
			records.forEach(r -> personOf.put(r, records));
			return this;
		}

		public Verdict of(DiagnosticReport report) {
			List<Reason> failures = new ArrayList<>();
			if (!FINAL.contains(report.getStatus())) {
				failures.add(new Reason("not-final", "报告状态为 " + report.getStatus().toCode()
						+ "，仅终审（final/amended/corrected）报告可互认 / only final, amended or corrected reports are recognised"));
			}
			LocalDate reportDay = Memberships.day(report.getEffectiveDateTimeType()).orElse(day);
			List<Organization> performer = chain(report.getPerformerFirstRep().getReference());
			List<Reason> membership = new ArrayList<>();
			List<String> performerAlliances = alliancesOf(performer, reportDay);
			List<String> scopes = performerAlliances;
			if (requester.isPresent()) {
				List<String> requesterAlliances = alliancesOf(chain(requester.get()), day);
				scopes = performerAlliances.stream().filter(requesterAlliances::contains).toList();
				if (requesterAlliances.isEmpty()) {
					membership.add(new Reason("requester-not-member", requester.get() + " 于 " + day
							+ " 非任何医联体的在册成员 / is not an active member of any alliance on " + day));
				}
				if (!requesterAlliances.isEmpty() && scopes.isEmpty()) {
					membership.add(new Reason("performer-not-member", name(performer) + " 于 " + reportDay + " 不是 " + requester.get()
							+ " 所在医联体的成员 / was not a member of the requester's alliance on the report's date"));
				}
			} else if (scopes.isEmpty()) {
				membership.add(new Reason("performer-not-member", name(performer) + " 于 " + reportDay
						+ " 不是任何医联体的成员 / was not a member of any alliance on the report's date"));
			}
			// The item's conditions are the alliance's (its items, their windows); with no alliance, the whole catalogue's.
			Map<String, Reason> itemFailures = new LinkedHashMap<>();
			Map<String, Reason> scopeFailures = new LinkedHashMap<>();
			Optional<Recognition> recognition = Optional.empty();
			Optional<DateTimeType> validUntil = Optional.empty();
			if (scopes.isEmpty()) {
				ItemCheck check = itemConditions(report, performer, reportDay, catalogue.whole());
				check.failures().forEach(f -> itemFailures.putIfAbsent(f.code(), f));
				validUntil = check.validUntil();
			}
			for (String scope : scopes) {
				Organization alliance = organization(scope);
				ItemCheck check = itemConditions(report, performer, reportDay, catalogue.of(alliance));
				List<Reason> failing = requester.isPresent() ? requesterConditions(report, performer, alliance) : List.of();
				validUntil = validUntil.or(check::validUntil);
				if (check.failures().isEmpty() && failing.isEmpty() && recognition.isEmpty()) {
					recognition = Optional.of(new Recognition(alliance, check.item().get().coding(), check.validUntil().get()));
				}
				check.failures().forEach(f -> itemFailures.putIfAbsent(f.code(), f));
				failing.forEach(f -> scopeFailures.putIfAbsent(f.code(), f));
			}
			if (recognition.isEmpty()) {
				failures.addAll(itemFailures.values());
			}
			failures.addAll(membership);
			if (recognition.isEmpty()) {
				failures.addAll(scopeFailures.values());
			}
			Optional<DateTimeType> until = recognition.isPresent() ? recognition.map(Recognition::validUntil) : validUntil;
			return new Verdict(List.copyOf(failures), failures.isEmpty() ? recognition : Optional.empty(), until);
		}

		/** The item's conditions in one alliance: it recognises the item, the performer's QC passed, the window is open. */
		private ItemCheck itemConditions(DiagnosticReport report, List<Organization> performer, LocalDate reportDay, RecognitionCatalogue.Items items) {
			Optional<RecognitionCatalogue.Item> item = catalogue.itemOf(report, items);
			if (item.isEmpty()) {
				return new ItemCheck(item, Optional.empty(), List.of(new Reason("not-catalogued", "项目 " + codes(report)
						+ " 不在互认目录 " + items.source() + " / the item is not among those the alliance recognises")));
			}
			List<Reason> failing = new ArrayList<>();
			String code = item.get().coding().getCode();
			DateTimeType validUntil = validUntil(report, item.get().validityDays());
			Optional<String> standing = QcStanding.of(performer, code, reportDay);
			if (!standing.equals(Optional.of(QcStanding.PASSED))) {
				failing.add(new Reason("qc-not-passed", name(performer) + " 于 " + reportDay + " 的「" + item.get().coding().getDisplay()
						+ "」质控结果：" + standing.orElse("无") + " / no passing QC qualification for " + code + " on " + reportDay));
			}
			if (validUntil.getValue() != null && !instant.isBefore(validUntil.getValue().toInstant())) {
				failing.add(new Reason("expired", "有效期至 " + validUntil.getValueAsString() + "（" + item.get().validityDays()
						+ " 天）/ the validity window ended"));
			}
			return new ItemCheck(item, Optional.of(validUntil), failing);
		}

		/** The conditions that depend on who asks, in one alliance: the level rule and the patient's consent. */
		private List<Reason> requesterConditions(DiagnosticReport report, List<Organization> performer, Organization alliance) {
			List<Reason> failing = new ArrayList<>();
			boolean allLevels = alliance.getExtensionByUrl(POLICY) != null
					&& "all-levels".equals(alliance.getExtensionByUrl(POLICY).getValue().primitiveValue());
			Optional<Integer> performerLevel = level(performer);
			Optional<Integer> requesterLevel = level(chain(requester.get()));
			boolean levelHolds = performerLevel.isPresent() && requesterLevel.isPresent() && performerLevel.get() >= requesterLevel.get();
			if (!allLevels && !levelHolds) {
				failing.add(new Reason("level-rule", alliance.getName() + " 实行同级互认、下级认可上级：出具机构级别 " + performerLevel.map(String::valueOf).orElse("未知")
						+ "，调阅机构级别 " + requesterLevel.map(String::valueOf).orElse("未知")
						+ " / the alliance recognises results of the same or a higher level only"));
			}
			String allianceId = alliance.getIdElement().toUnqualifiedVersionless().getValue();
			List<String> person = personOf.computeIfAbsent(report.getSubject().getReference(), patientRecords::samePerson);
			boolean permitted = sharingPermitted.computeIfAbsent(allianceId, a -> sharing.permits(person, alliance, day));
			if (!permitted) {
				failing.add(new Reason("consent-denied", "患者未同意在 " + alliance.getName() + " 内共享 / the patient's consent does not allow sharing in this alliance"));
			}
			return failing;
		}

		private List<Organization> chain(String reference) {
			return PartOf.chain(reference, ref -> Optional.of(organization(ref)));
		}

		/** An organisation; one the report names but the server does not hold stands for itself, with no memberships. */
		private Organization organization(String reference) {
			String id = new IdType(reference).toUnqualifiedVersionless().getValue();
			return roll.organization(id).orElseGet(() -> (Organization) new Organization().setName(id).setId(id));
		}

		private List<String> alliancesOf(List<Organization> chain, LocalDate on) {
			List<String> alliances = new ArrayList<>();
			for (Organization organization : chain) {
				String id = organization.getIdElement().toUnqualifiedVersionless().getValue();
				roll.membershipsOf(id).stream()
						.filter(m -> Memberships.inForceOn(m, on))
						.map(m -> m.getNetworkFirstRep().getReference())
						.filter(a -> !alliances.contains(a)).forEach(alliances::add);
			}
			return alliances;
		}

		private Optional<Integer> level(List<Organization> chain) {
			return chain.stream().map(levels::level).flatMap(Optional::stream).findFirst();
		}
	}

	private record ItemCheck(Optional<RecognitionCatalogue.Item> item, Optional<DateTimeType> validUntil, List<Reason> failures) {}

	private static DateTimeType validUntil(DiagnosticReport report, int days) {
		DateTimeType until = report.getEffectiveDateTimeType().copy();
		until.add(Calendar.DATE, days);
		return until;
	}

	private static String name(List<Organization> chain) {
		return chain.isEmpty() ? "出具机构" : chain.get(0).getName();
	}

	private static String codes(DiagnosticReport report) {
		return report.getCode().getCoding().stream().map(c -> c.getCode()).toList().toString();
	}
}
