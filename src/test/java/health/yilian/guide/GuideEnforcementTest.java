package health.yilian.guide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import health.yilian.server.FhirServerTestSupport;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.function.Consumer;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.OrganizationAffiliation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.UriType;
import org.junit.jupiter.api.Test;

/**
 * The guide is readable where data is sent, its examples are accepted, and each profile's rules refuse what breaks
 * them with 422 and an OperationOutcome naming the element and the rule. Invalid resources are the guide's own
 * examples with exactly one rule broken.
 */
class GuideEnforcementTest extends FhirServerTestSupport {

	@Test
	void theGuideIsReadableFromTheServer() {
		StructureDefinition patientProfile = fhir.read().resource(StructureDefinition.class).withId("yilian-patient").execute();
		CodeSystem catalogue = fhir.read().resource(CodeSystem.class).withId("yilian-recognition-catalogue").execute();

		assertThat(patientProfile.getUrl()).isEqualTo("https://yilian.health/fhir/StructureDefinition/yilian-patient");
		CodeSystem.ConceptDefinitionComponent potassium = catalogue.getConcept().stream()
				.filter(c -> c.getCode().equals("K")).findFirst().orElseThrow();
		assertThat(potassium.getDisplay()).isEqualTo("血清钾");
		assertThat(potassium.getProperty()).anySatisfy(p -> {
			assertThat(p.getCode()).isEqualTo("validity-days");
			assertThat(p.getValueIntegerType().getValue()).isEqualTo(7);
		});
	}

	@Test
	void theCapabilityStatementListsTheSupportedProfiles() {
		CapabilityStatement metadata = fhir.capabilities().ofType(CapabilityStatement.class).execute();

		assertThat(metadata.getRestFirstRep().getResource())
				.filteredOn(r -> r.getType().equals("DiagnosticReport"))
				.singleElement()
				.satisfies(r -> assertThat(r.getSupportedProfile()).extracting(p -> p.getValue()).contains(
						"https://yilian.health/fhir/StructureDefinition/yilian-lab-report",
						"https://yilian.health/fhir/StructureDefinition/yilian-imaging-report"));
	}

	@Test
	void validResourcesOfEveryProfileAreAccepted() {
		for (String example : new String[] {
				"Organization-deyang-peoples-hospital", "Organization-deyang-city-medical-group",
				"OrganizationAffiliation-membership-deyang-second-peoples-hospital",
				"Consent-brand-authorization-deyang-second-peoples-hospital", "Consent-sharing-consent-wang-xiuying",
				"Patient-wang-xiuying", "ServiceRequest-referral-up-wang-xiuying", "Task-referral-task-wang-xiuying",
				"Task-recognition-decision-wang-xiuying", "DiagnosticReport-lab-report-wang-xiuying",
				"DiagnosticReport-chest-ct-wang-xiuying", "Observation-potassium-wang-xiuying"}) {
			Resource resource = asNew(example, Resource.class);
			if (resource instanceof OrganizationAffiliation membership) {
				// a member holds one membership of an alliance at a time: give the copy a member of its own
				Organization newMember = asNew("Organization-chengbei-community-health-centre", Organization.class);
				membership.getParticipatingOrganization().setReference(
						fhir.create().resource(newMember).execute().getId().toUnqualifiedVersionless().getValue());
			}
			assertThat(fhir.create().resource(resource).execute().getCreated()).as(example).isTrue();
		}
	}

	@Test
	void aPatientWithoutANameIsRefused() {
		assertRefused(asNew("Patient-wang-xiuying", Patient.class, p -> p.getName().clear()), "Patient.name");
	}

	@Test
	void aResultThatLeavesOutItsCategoryIsStillHeldToTheLabProfile() {
		assertRefused(asNew("Observation-potassium-wang-xiuying", org.hl7.fhir.r4.model.Observation.class, o -> {
			o.getCategory().clear();
			o.getValueQuantity().setValue(99).setCode(null).setSystem(null);
		}), "yilian-lab-result");
	}

	@Test
	void aMalformedResidentIdIsRefusedByItsRule() {
		assertRefused(asNew("Patient-wang-xiuying", Patient.class, p -> p.getIdentifierFirstRep().setValue("51060319850612452")),
				"yl-resident-id");
	}

	@Test
	void aMalformedUnifiedSocialCreditCodeIsRefusedByItsRule() {
		assertRefused(asNew("Organization-deyang-second-peoples-hospital", Organization.class,
				o -> o.getIdentifierFirstRep().setValue("1251060045207000")), "yl-uscc");
	}

	@Test
	void aGradeOutsideTheGradeValueSetIsRefused() {
		assertRefused(asNew("Organization-deyang-second-peoples-hospital", Organization.class,
				o -> o.getType().get(1).getCodingFirstRep().setCode("4A")), "yilian-hospital-grade");
	}

	@Test
	void aMembershipEndingBeforeItStartsIsRefused() {
		assertRefused(asNew("OrganizationAffiliation-membership-chengbei-community-health-centre", OrganizationAffiliation.class, m -> {
			m.getPeriod().setEndElement(new DateTimeType("2022-12-31"));
			m.addExtension("https://yilian.health/fhir/StructureDefinition/yilian-membership-end-reason",
					new org.hl7.fhir.r4.model.CodeableConcept(new Coding(
							"https://yilian.health/fhir/CodeSystem/yilian-membership-end-reason", "withdrawal", "主动退出")));
		}), "yl-period");
	}

	@Test
	void anEndedMembershipWithoutAReasonIsRefused() {
		assertRefused(asNew("OrganizationAffiliation-membership-chengbei-community-health-centre", OrganizationAffiliation.class,
				m -> m.getPeriod().setEndElement(new DateTimeType("2026-06-30"))), "yl-end-reason");
	}

	@Test
	void grantingAUseThatIsNeverGrantableIsRefused() {
		assertRefused(asNew("Consent-brand-authorization-deyang-second-peoples-hospital", Consent.class,
				c -> c.getProvision().addAction().addCoding(new Coding(
						"https://yilian.health/fhir/CodeSystem/yilian-brand-action", "seals", "用于印章"))),
				"yilian-grantable-brand-action");
	}

	@Test
	void aSharingConsentWithoutItsPatientIsRefused() {
		assertRefused(asNew("Consent-sharing-consent-wang-xiuying", Consent.class, c -> c.setPatient(null)), "Consent.patient");
	}

	@Test
	void aReferralWithoutItsReasonTextIsRefused() {
		assertRefused(asNew("ServiceRequest-referral-up-wang-xiuying", ServiceRequest.class,
				s -> s.getReasonCodeFirstRep().setText(null)), "reasonCode");
	}

	@Test
	void aRejectedReferralWithoutACodedReasonIsRefused() {
		assertRefused(asNew("Task-referral-task-wang-xiuying", Task.class, t -> t.setStatus(Task.TaskStatus.REJECTED)),
				"yl-rejected-reason");
	}

	@Test
	void aRetestWithoutANationalReasonIsRefused() {
		assertRefused(asNew("Task-recognition-decision-wang-xiuying", Task.class, t -> t.getBusinessStatus().getCodingFirstRep()
				.setCode("retested").setDisplay("重新检查")), "yl-retest-reason");
	}

	@Test
	void aLabReportWithoutALoincCodeIsRefused() {
		assertRefused(asNew("DiagnosticReport-lab-report-wang-xiuying", DiagnosticReport.class,
				r -> r.getCode().getCoding().removeIf(c -> "http://loinc.org".equals(c.getSystem()))), "DiagnosticReport.code.coding");
	}

	@Test
	void anImagingReportWithoutItsConclusionIsRefused() {
		assertRefused(asNew("DiagnosticReport-chest-ct-wang-xiuying", DiagnosticReport.class, r -> r.setConclusion(null)),
				"DiagnosticReport.conclusion");
	}

	@Test
	void aLabResultWithoutAValueIsRefused() {
		assertRefused(asNew("Observation-potassium-wang-xiuying", Observation.class, o -> o.setValue(null)), "yl-value-or-absent");
	}

	@Test
	void anAllianceWithoutItsLeadHospitalIsRefused() {
		assertRefused(asNew("Organization-deyang-city-medical-group", Organization.class,
				o -> o.getExtension().removeIf(e -> e.getUrl().endsWith("yilian-lead-hospital"))), "yilian-lead-hospital");
	}

	@Test
	void anAllianceOfAnUnknownKindIsRefused() {
		assertRefused(asNew("Organization-deyang-city-medical-group", Organization.class,
				o -> o.getType().get(1).getCodingFirstRep().setCode("medical-consortium")), "yilian-alliance-kind");
	}

	@Test
	void aMembershipWithAnUnknownRoleIsRefused() {
		assertRefused(asNew("OrganizationAffiliation-membership-chengbei-community-health-centre", OrganizationAffiliation.class,
				m -> m.getCodeFirstRep().getCodingFirstRep().setCode("honorary")), "yilian-membership-role");
	}

	@Test
	void aBrandGrantWithoutAnEndIsRefused() {
		assertRefused(asNew("Consent-brand-authorization-deyang-second-peoples-hospital", Consent.class,
				c -> c.getProvision().getPeriod().setEnd(null)), "Consent.provision.period.end");
	}

	@Test
	void aSharingConsentWithoutItsPolicyIsRefused() {
		assertRefused(asNew("Consent-sharing-consent-wang-xiuying", Consent.class, c -> c.getPolicy().clear()), "Consent.policy");
	}

	@Test
	void aPatientIdentifierWithoutASystemIsRefused() {
		assertRefused(asNew("Patient-wang-xiuying", Patient.class, p -> p.getIdentifier().get(1).setSystem(null)),
				"Patient.identifier");
	}

	@Test
	void aReferralOnAnUnknownChannelIsRefused() {
		assertRefused(asNew("ServiceRequest-referral-up-wang-xiuying", ServiceRequest.class,
				s -> s.getCategory().get(1).getCodingFirstRep().setCode("express")), "yilian-referral-channel");
	}

	@Test
	void aReferralWithoutItsReceivingOrganisationIsRefused() {
		assertRefused(asNew("ServiceRequest-referral-up-wang-xiuying", ServiceRequest.class, s -> s.getPerformer().clear()),
				"ServiceRequest.performer");
	}

	@Test
	void aReferralCompletedWithoutFeedbackIsRefused() {
		assertRefused(asNew("Task-referral-task-wang-xiuying", Task.class, t -> t.setStatus(Task.TaskStatus.COMPLETED)),
				"yl-completed-feedback");
	}

	@Test
	void aRetestForAnOtherReasonMustStateIt() {
		assertRefused(asNew("Task-recognition-decision-wang-xiuying", Task.class, t -> {
			t.getBusinessStatus().getCodingFirstRep().setCode("retested").setDisplay("重新检查");
			t.getReasonCode().addCoding(new Coding("https://yilian.health/fhir/CodeSystem/yilian-retest-reason", "other", "其他原因（需说明）"));
		}), "yl-retest-reason");
	}

	@Test
	void aLabReportWithoutItsPerformingLabIsRefused() {
		assertRefused(asNew("DiagnosticReport-lab-report-wang-xiuying", DiagnosticReport.class, r -> r.getPerformer().clear()),
				"DiagnosticReport.performer");
	}

	@Test
	void anImagingReportWithoutItsIssuedTimeIsRefused() {
		assertRefused(asNew("DiagnosticReport-chest-ct-wang-xiuying", DiagnosticReport.class, r -> r.setIssued(null)),
				"DiagnosticReport.issued");
	}

	@Test
	void aLabResultWithoutLoincIsRefused() {
		assertRefused(asNew("Observation-potassium-wang-xiuying", Observation.class,
				o -> o.getCode().getCodingFirstRep().setSystem("https://his.example.cn/item-codes")), "Observation.code.coding");
	}

	@Test
	void findingsAreInChineseWhenTheRequestAsksForIt() throws Exception {
		Patient nameless = asNew("Patient-wang-xiuying", Patient.class, p -> p.getName().clear());
		HttpResponse<String> response = send("POST", "/fhir/Patient",
				fhirContext().newJsonParser().encodeResourceToString(nameless), "Accept-Language", "zh-CN");

		assertThat(response.statusCode()).isEqualTo(422);
		OperationOutcome outcome = fhirContext().newJsonParser().parseResource(OperationOutcome.class, response.body());
		assertThat(outcome.getIssue()).anySatisfy(issue -> assertThat(issue.getDiagnostics()).contains("元素数量不足").contains("Patient.name"));
	}

	@Test
	void validateGivesTheVerdictTheWriteWould() {
		Patient nameless = asNew("Patient-wang-xiuying", Patient.class, p -> {
			p.getName().clear();
			p.getMeta().getProfile().clear();
		});
		OperationOutcome verdict = validate(nameless);
		OperationOutcome validVerdict = validate(asNew("Patient-wang-xiuying", Patient.class, p -> p.getMeta().getProfile().clear()));

		assertThat(verdict.getIssue()).anySatisfy(issue -> {
			assertThat(issue.getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
			assertThat(issue.getDiagnostics() + issue.getExpression()).contains("Patient.name");
		});
		assertThat(validVerdict.getIssue()).noneMatch(issue -> issue.getSeverity() == OperationOutcome.IssueSeverity.ERROR);
	}

	/**
	 * A reference names what the profile allows there (the guide's only Reference(...)), on write and in $validate
	 * alike; $validate also answers the alliance's rules a write is held to.
	 */
	@Test
	void referencesNameWhatTheProfileAllowsAndValidateAnswersAsTheWriteWould() {
		List<Resource> wrong = List.of(
				asNew("Task-recognition-decision-wang-xiuying", Task.class, t -> {
					t.setId((String) null);
					t.setFocus(new Reference("Observation/potassium-wang-xiuying"));
				}),
				asNew("OrganizationAffiliation-membership-chengbei-community-health-centre", OrganizationAffiliation.class, m -> {
					m.setId((String) null);
					m.setParticipatingOrganization(new Reference("Organization/sichuan-chest-pain-specialty-alliance"));
				}),
				asNew("DiagnosticReport-lab-report-wang-xiuying", DiagnosticReport.class, r -> {
					r.setId((String) null);
					r.getIdentifierFirstRep().setValue(unique("LIS-"));
					r.setPerformer(List.of(new Reference("Patient/wang-xiuying")));
				}),
				asNew("ServiceRequest-referral-up-wang-xiuying", ServiceRequest.class, r -> {
					r.setId((String) null);
					r.setPerformer(List.of(new Reference("Organization/deyang-city-medical-group")));
				}));
		for (Resource resource : wrong) {
			assertRefused(resource.copy(), "yl-reference-target");
			assertThat(validate(resource).getIssue()).as(resource.fhirType() + " $validate").anySatisfy(issue -> {
				assertThat(issue.getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
				assertThat(issue.getDiagnostics()).contains("yl-reference-target");
			});
		}

		// A business rule too: a membership of a hospital already a member, refused on write, is an error in $validate.
		OrganizationAffiliation twice = asNew("OrganizationAffiliation-membership-chengbei-community-health-centre", OrganizationAffiliation.class,
				m -> m.setId((String) null));
		assertRefused(twice.copy(), "yl-membership-overlap");
		assertThat(validate(twice).getIssue()).anySatisfy(issue -> assertThat(issue.getDiagnostics()).contains("yl-membership-overlap"));

		// A valid report validates without error, and validating it stored nothing.
		DiagnosticReport valid = asNew("DiagnosticReport-lab-report-wang-xiuying", DiagnosticReport.class, r -> {
			r.setId((String) null);
			r.getIdentifierFirstRep().setValue(unique("LIS-"));
		});
		assertThat(validate(valid).getIssue()).noneMatch(issue -> issue.getSeverity() == OperationOutcome.IssueSeverity.ERROR);
		assertThat(fhir.search().byUrl("DiagnosticReport?identifier=" + valid.getIdentifierFirstRep().getValue())
				.returnBundle(Bundle.class).execute().getEntry()).isEmpty();
	}

	/** The specification's Parameters form, profile as valueUri: the profile is the one named, each finding given once. */
	@Test
	void validateInTheParametersFormTakesAProfileAsUriAndGivesEachFindingOnce() {
		Patient nameless = asNew("Patient-wang-xiuying", Patient.class, p -> {
			p.setId((String) null);
			p.getName().clear();
		});
		Parameters in = new Parameters();
		in.addParameter().setName("resource").setResource(nameless);
		in.addParameter().setName("profile").setValue(new UriType("https://yilian.health/fhir/StructureDefinition/yilian-patient"));
		OperationOutcome outcome = (OperationOutcome) fhir.operation().onType(Patient.class).named("$validate")
				.withParameters(in).returnResourceType(OperationOutcome.class).execute();

		assertThat(outcome.getIssue()).noneMatch(issue -> String.valueOf(issue.getDiagnostics()).contains("UriType["));
		assertThat(outcome.getIssue()).anySatisfy(issue -> {
			assertThat(issue.getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
			assertThat(issue.getDiagnostics() + issue.getExpression()).contains("Patient.name");
		});
		List<String> findings = outcome.getIssue().stream().map(i -> i.getDiagnostics() + " @ " + i.getExpression()).toList();
		assertThat(findings).doesNotHaveDuplicates();
		assertThat(findings).noneMatch(f -> f.contains("Parameters.parameter"));
	}

	@Test
	void aTransactionWithOneNonConformingEntryStoresNothing() {
		String residentId = newResidentId();
		Patient valid = asNew("Patient-wang-xiuying", Patient.class, p -> {
			p.getIdentifier().removeIf(i -> !i.getSystem().equals(RESIDENT_ID));
			p.getIdentifierFirstRep().setValue(residentId);
			p.getNameFirstRep().setText("刘洋").setFamily("刘").getGiven().get(0).setValue("洋");
		});
		Observation invalid = asNew("Observation-potassium-wang-xiuying", Observation.class, o -> {
			o.setValue(null);
			o.getSubject().setReference("urn:uuid:0d4f9a53-34c1-4b0e-9a4f-2b8b1a3c2d11");
		});
		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		transaction.addEntry().setFullUrl("urn:uuid:0d4f9a53-34c1-4b0e-9a4f-2b8b1a3c2d11").setResource(valid)
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
		transaction.addEntry().setResource(invalid).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
		long before = patientsWithResidentId(residentId);

		assertThatThrownBy(() -> fhir.transaction().withBundle(transaction).execute())
				.isInstanceOf(UnprocessableEntityException.class)
				.hasMessageContaining("yl-value-or-absent");
		assertThat(patientsWithResidentId(residentId)).isEqualTo(before);
	}

	/**
	 * Entries are validated on other threads while HAPI goes on; the client still gets the first refusal in entry
	 * order: here the lab result's missing value, not the overlap rule that the second entry breaks.
	 */
	@Test
	void theFirstEntrysRefusalIsTheAnswerWhenALaterEntryBreaksARuleToo() {
		String residentId = newResidentId();
		Patient patient = asNew("Patient-wang-xiuying", Patient.class, p -> {
			p.getIdentifier().removeIf(i -> !i.getSystem().equals(RESIDENT_ID));
			p.getIdentifierFirstRep().setValue(residentId);
			p.getNameFirstRep().setText("赵敏").setFamily("赵").getGiven().get(0).setValue("敏");
		});
		Observation withoutValue = asNew("Observation-potassium-wang-xiuying", Observation.class, o -> {
			o.setValue(null);
			o.getSubject().setReference("urn:uuid:6a1e2f0c-93d4-4c55-8f0e-1f2d3c4b5a69");
		});
		OrganizationAffiliation overlapping = asNew("OrganizationAffiliation-membership-chengbei-community-health-centre",
				OrganizationAffiliation.class, m -> {});
		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		transaction.addEntry().setFullUrl("urn:uuid:6a1e2f0c-93d4-4c55-8f0e-1f2d3c4b5a69").setResource(patient)
				.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
		transaction.addEntry().setResource(withoutValue).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
		transaction.addEntry().setResource(overlapping).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("OrganizationAffiliation");

		assertThatThrownBy(() -> fhir.transaction().withBundle(transaction).execute())
				.isInstanceOf(UnprocessableEntityException.class)
				.satisfies(e -> assertThat(fhirContext().newJsonParser()
								.encodeResourceToString(((UnprocessableEntityException) e).getOperationOutcome()))
						.contains("yl-value-or-absent").doesNotContain("yl-membership-overlap"));
		assertThat(patientsWithResidentId(residentId)).isZero();
	}

	private long patientsWithResidentId(String residentId) {
		return fhir.search().forResource(Patient.class)
				.where(Patient.IDENTIFIER.exactly().systemAndCode(RESIDENT_ID, residentId))
				.returnBundle(Bundle.class).execute().getEntry().size();
	}

	private OperationOutcome validate(Resource resource) {
		Parameters in = new Parameters();
		in.addParameter().setName("resource").setResource(resource);
		try {
			return (OperationOutcome) fhir.operation().onType(resource.getClass()).named("$validate")
					.withParameters(in).returnResourceType(OperationOutcome.class).execute();
		} catch (UnprocessableEntityException | ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException e) {
			return (OperationOutcome) e.getOperationOutcome();
		}
	}

	private void assertRefused(Resource resource, String expected) {
		assertThatThrownBy(() -> fhir.create().resource(resource).execute())
				.isInstanceOf(UnprocessableEntityException.class)
				.satisfies(e -> assertThat(fhirContext().newJsonParser()
								.encodeResourceToString(((UnprocessableEntityException) e).getOperationOutcome()))
						.contains(expected));
	}

	/** A guide example as a new resource (no id), changed by {@code edit}. */
	static <T extends Resource> T asNew(String example, Class<T> type, Consumer<T> edit) {
		T resource = example(example, type);
		edit.accept(resource);
		return resource;
	}

	static <T extends Resource> T asNew(String example, Class<T> type) {
		return example(example, type);
	}
}
