// ---------- Invariants ----------

Invariant: yl-uscc
Description: "统一社会信用代码为18位（数字或大写字母，不含I、O、Z、S、V） / A unified social credit code has 18 characters: digits or capital letters except I, O, Z, S, V"
Expression: "value.matches('^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$')"
Severity: #error

Invariant: yl-resident-id
Description: "居民身份证号为18位，前17位为数字，末位为数字或X / A resident ID has 17 digits and a final digit or X"
Expression: "value.matches('^[0-9]{17}[0-9X]$')"
Severity: #error

Invariant: yl-period
Description: "结束日期不得早于开始日期 / The end may not be before the start"
Expression: "start.empty() or end.empty() or end >= start"
Severity: #error

Invariant: yl-end-reason
Description: "终止原因只在成员资格结束时填写，结束时必须填写 / An end reason is given exactly when the membership has ended (period.end)"
Expression: "period.end.exists() = extension('https://yilian.health/fhir/StructureDefinition/yilian-membership-end-reason').exists()"
Severity: #error

Invariant: yl-alliance-network
Description: "organization与network须为同一医联体 / organization, when given, is the alliance named in network"
Expression: "organization.empty() or organization.reference = network.first().reference"
Severity: #error

Invariant: yl-rejected-reason
Description: "拒绝转诊必须给出编码原因（statusReason） / A rejected referral needs a coded reason in statusReason"
Expression: "status = 'rejected' implies statusReason.coding.exists()"
Severity: #error

Invariant: yl-completed-feedback
Description: "完成转诊必须回馈诊疗结果（output：出院小结、报告或下转申请） / A completed referral needs feedback in output: discharge summary, reports or a down-referral"
Expression: "status = 'completed' implies output.exists()"
Severity: #error

Invariant: yl-retest-reason
Description: "重新检查须给出国家规定的原因；其他原因须说明 / A re-test needs a national reason; 'other' needs its text"
Expression: "(businessStatus.coding.where(code = 'retested').exists() implies reasonCode.coding.exists()) and (reasonCode.coding.where(code = 'other').exists() implies reasonCode.text.exists())"
Severity: #error

Invariant: yl-value-or-absent
Description: "检验结果须有结果值或缺失原因 / A result has a value or a dataAbsentReason"
Expression: "value.exists() or dataAbsentReason.exists() or hasMember.exists()"
Severity: #error

// ---------- Organisations ----------

Profile: YilianAlliance
Parent: Organization
Id: yilian-alliance
Title: "医联体 Alliance"
Description: "A hospital alliance (医联体): its kind, its lead hospital and its settings."
* . ^short = "医联体 Alliance"
* identifier 0..* MS
* active 1..1 MS
* type 1..* MS
* type ^slicing.discriminator.type = #value
* type ^slicing.discriminator.path = "coding.system"
* type ^slicing.rules = #open
* type contains organizationKind 1..1 MS and allianceKind 1..1 MS
* type[organizationKind].coding 1..1
* type[organizationKind].coding.system 1..1
* type[organizationKind].coding.system = "https://yilian.health/fhir/CodeSystem/yilian-organization-kind"
* type[organizationKind].coding = YilianOrganizationKind#alliance
* type[allianceKind].coding 1..1
* type[allianceKind].coding.system 1..1
* type[allianceKind].coding.system = "https://yilian.health/fhir/CodeSystem/yilian-alliance-kind"
* type[allianceKind] from YilianAllianceKinds (required)
* name 1..1 MS
* extension contains
    YilianLeadHospital named leadHospital 1..1 MS and
    YilianGreenChannelAcceptanceHours named greenChannelAcceptanceHours 0..1 MS and
    YilianRecognitionPolicySetting named recognitionPolicy 0..1 MS and
    YilianRecognitionItems named recognitionItems 0..1 MS and
    YilianSharingPolicySetting named sharingPolicy 0..1 MS

Profile: YilianOrganization
Parent: Organization
Id: yilian-organization
Title: "成员机构 Member organisation"
Description: "A member hospital or health centre, or one of its departments or labs (then partOf its hospital)."
* . ^short = "成员机构 Member organisation"
* identifier 0..* MS
* identifier ^slicing.discriminator.type = #value
* identifier ^slicing.discriminator.path = "system"
* identifier ^slicing.rules = #open
* identifier contains uscc 0..1 MS and practiceLicence 0..1 MS
* identifier[uscc].system = $uscc
* identifier[uscc].value 1..1
* identifier[uscc] obeys yl-uscc
* identifier[uscc] ^short = "统一社会信用代码 unified social credit code"
* identifier[practiceLicence].system = $licence
* identifier[practiceLicence].value 1..1
* identifier[practiceLicence] ^short = "医疗机构执业许可证登记号 practice-licence number"
* active 1..1 MS
* type 1..* MS
* type ^slicing.discriminator.type = #value
* type ^slicing.discriminator.path = "coding.system"
* type ^slicing.rules = #open
* type contains organizationKind 1..1 MS and grade 0..1 MS
* type[organizationKind].coding 1..1
* type[organizationKind].coding.system 1..1
* type[organizationKind].coding.system = "https://yilian.health/fhir/CodeSystem/yilian-organization-kind"
* type[organizationKind] from YilianMemberOrganizationKinds (required)
* type[grade].coding 1..1
* type[grade].coding.system 1..1
* type[grade].coding.system = "https://yilian.health/fhir/CodeSystem/yilian-hospital-grade"
* type[grade] from YilianHospitalGrades (required)
* type[grade] ^short = "医院等级 grade (hospitals and centres)"
* name 1..1 MS
* partOf MS
* partOf only Reference(YilianOrganization)
* extension contains
    YilianBeds named beds 0..1 MS and
    OrganizationQualification named qualification 0..* MS

Profile: YilianMembership
Parent: OrganizationAffiliation
Id: yilian-membership
Title: "医联体成员资格 Membership"
Description: "A member's membership of an alliance: role, term, standing and, once it ended, why."
* . ^short = "医联体成员资格 Membership"
* obeys yl-end-reason and yl-alliance-network
* identifier 0..* MS
* active 1..1 MS
* period 1..1 MS
* period obeys yl-period
* period.start 1..1 MS
* organization MS
* organization only Reference(YilianAlliance)
* organization ^short = "The alliance (same as network)"
* participatingOrganization 1..1 MS
* participatingOrganization only Reference(YilianOrganization)
* network 1..1 MS
* network only Reference(YilianAlliance)
* network ^short = "The alliance: searched as network="
* code 1..1 MS
* code.coding 1..1
* code from YilianMembershipRoles (required)
* extension contains YilianMembershipEndReasonExt named endReason 0..1 MS

// ---------- Consents ----------

Profile: YilianBrandAuthorization
Parent: Consent
Id: yilian-brand-authorization
Title: "医联体品牌授权 Brand authorization"
Description: "The lead hospital's grant to a member of the right to hang the alliance plaque or use its name, for stated uses and a period, on the member's written request."
* . ^short = "医联体品牌授权 Brand authorization"
* status MS
* scope = YilianConsentKind#brand-authorization
* category 1..1 MS
* category = YilianConsentKind#brand-authorization
* patient 0..0
* dateTime 1..1 MS
* performer 1..1 MS
* performer only Reference(YilianOrganization)
* performer ^short = "Grantor: the lead hospital"
* organization 1..1 MS
* organization only Reference(YilianAlliance)
* organization ^short = "The alliance whose brand is granted"
* source[x] 1..1 MS
* source[x] only Reference(DocumentReference)
* source[x] ^short = "The member's written request (申请书)"
* policyRule 1..1
* policyRule = YilianConsentKind#brand-authorization
* provision 1..1 MS
* provision.type 1..1 MS
* provision.type = #permit
* provision.period 1..1 MS
* provision.period obeys yl-period
* provision.period.start 1..1
* provision.period.end 1..1
* provision.actor 1..1 MS
* provision.actor.role = YilianConsentActorRole#grantee
* provision.actor.reference only Reference(YilianOrganization)
* provision.action 1..* MS
* provision.action from YilianGrantableBrandActions (required)
* provision.action ^short = "Permitted uses: only grantable ones"
* provision.extension contains YilianPlaqueWording named plaqueWording 0..1 MS
* provision.provision MS
* provision.provision.type = #deny
* provision.provision.action from YilianBrandActions (required)
* extension contains YilianRevocationReason named revocationReason 0..1 MS

Profile: YilianSharingConsent
Parent: Consent
Id: yilian-sharing-consent
Title: "医联体内信息共享同意 Sharing consent"
Description: "A patient's choice on sharing their records inside an alliance (IHE PCF style): permit or deny, for the alliance, from a date."
* . ^short = "医联体内信息共享同意 Sharing consent"
* status MS
* scope = $consentscope#patient-privacy
* category 1..1 MS
* category = YilianConsentKind#alliance-sharing
* patient 1..1 MS
* patient only Reference(YilianPatient)
* dateTime 1..1 MS
* organization 1..1 MS
* organization only Reference(YilianAlliance)
* organization ^short = "The alliance inside which records are shared"
* policy 1..1 MS
* policy.uri 1..1
* provision 1..1 MS
* provision.type 1..1 MS
* provision.period MS

// ---------- Patients ----------

Profile: YilianPatient
Parent: Patient
Id: yilian-patient
Title: "患者 Patient"
Description: "A patient, identified by resident ID (居民身份证号) and each hospital's record number."
* . ^short = "患者 Patient"
* identifier 1..* MS
* identifier.system 1..1
* identifier.value 1..1
* identifier ^slicing.discriminator.type = #value
* identifier ^slicing.discriminator.path = "system"
* identifier ^slicing.rules = #open
* identifier contains residentId 0..1 MS
* identifier[residentId].system = $resident-id
* identifier[residentId] obeys yl-resident-id
* identifier[residentId] ^short = "居民身份证号 resident ID"
* identifier ^short = "Resident ID, and record numbers under https://yilian.health/fhir/sid/mrn/{unified social credit code}"
* name 1..* MS
* name.text 1..1 MS
* gender 1..1 MS
* birthDate MS

// ---------- Referral ----------

Profile: YilianReferral
Parent: ServiceRequest
Id: yilian-referral
Title: "转诊申请 Referral request"
Description: "A two-way referral (双向转诊) from one member to another: direction, channel, reason, records."
* . ^short = "转诊申请 Referral request"
* identifier 1..* MS
* identifier ^short = "Placer identifier (the referring HIS's number)"
* identifier.type 1..1
* identifier.type = $v2-0203#PLAC
* identifier.system 1..1
* identifier.value 1..1
* basedOn 0..1 MS
* basedOn only Reference(YilianReferral)
* basedOn ^short = "A down-referral points at the up-referral it closes"
* status MS
* intent = #order
* category 2..* MS
* category ^slicing.discriminator.type = #value
* category ^slicing.discriminator.path = "coding.system"
* category ^slicing.rules = #open
* category contains direction 1..1 MS and channel 1..1 MS
* category[direction].coding 1..1
* category[direction].coding.system 1..1
* category[direction].coding.system = "https://yilian.health/fhir/CodeSystem/yilian-referral-direction"
* category[direction] from YilianReferralDirections (required)
* category[channel].coding 1..1
* category[channel].coding.system 1..1
* category[channel].coding.system = "https://yilian.health/fhir/CodeSystem/yilian-referral-channel"
* category[channel] from YilianReferralChannels (required)
* code 1..1 MS
* code = $sct#3457005 "Patient referral"
* subject only Reference(YilianPatient)
* subject MS
* authoredOn 1..1 MS
* requester 1..1 MS
* requester only Reference(YilianOrganization or PractitionerRole)
* performer 1..1 MS
* performer only Reference(YilianOrganization)
* performer ^short = "The receiving organisation"
* reasonCode 1..* MS
* reasonCode.text 1..1
* reasonCode.coding ^slicing.discriminator.type = #value
* reasonCode.coding ^slicing.discriminator.path = "system"
* reasonCode.coding ^slicing.rules = #open
* reasonCode.coding contains icd10 1..1 MS
* reasonCode.coding[icd10].system = $icd10
* reasonCode.coding[icd10].code 1..1
* supportingInfo MS
* supportingInfo ^short = "Referral file and records (转诊档案、相关诊疗资料)"

Profile: YilianReferralTask
Parent: Task
Id: yilian-referral-task
Title: "转诊任务 Referral task"
Description: "The coordination Task of a referral, owned by the receiving organisation."
* . ^short = "转诊任务 Referral task"
* obeys yl-rejected-reason and yl-completed-feedback
* basedOn 1..1 MS
* basedOn only Reference(YilianReferral)
* status MS
* statusReason MS
* statusReason from YilianReferralRejectionReasons (required)
* statusReason ^short = "Coded reason when rejected"
* businessStatus MS
* businessStatus from YilianReferralBusinessStatuses (required)
* intent = #order
* code 1..1 MS
* code = YilianTaskKind#referral
* focus 1..1 MS
* focus only Reference(YilianReferral)
* for 1..1 MS
* for only Reference(YilianPatient)
* authoredOn 1..1 MS
* requester 1..1 MS
* requester only Reference(YilianOrganization)
* owner 1..1 MS
* owner only Reference(YilianOrganization)
* owner ^short = "The receiving organisation"
* restriction.period MS
* restriction.period ^short = "Acceptance deadline (green channel)"
* output MS
* output ^short = "Feedback: discharge summary, reports, or a down-referral"

Profile: YilianReferralCancellation
Parent: Task
Id: yilian-referral-cancellation
Title: "转诊取消申请 Referral cancellation request"
Description: "The sender's request to cancel a referral already in progress (Clinical Order Workflows' abort Task). The receiver completes it (cancellation agreed, then it cancels the referral Task) or rejects it."
* . ^short = "转诊取消申请 Referral cancellation request"
* status MS
* intent = #order
* code 1..1 MS
* code = YilianTaskKind#cancellation-request
* focus 1..1 MS
* focus only Reference(YilianReferralTask)
* focus ^short = "The referral Task to cancel"
* for 1..1 MS
* for only Reference(YilianPatient)
* authoredOn 1..1 MS
* requester 1..1 MS
* requester only Reference(YilianOrganization)
* requester ^short = "The referring organisation (only the sender asks)"
* owner 1..1 MS
* owner only Reference(YilianOrganization)
* owner ^short = "The receiving organisation, which decides"
* reasonCode 1..1 MS
* reasonCode ^short = "Why the sender asks to cancel"

Profile: YilianRecognitionDecisionTask
Parent: Task
Id: yilian-recognition-decision
Title: "互认决定 Recognition decision"
Description: "The receiving doctor's decision on a prior result: recognised, or re-tested for a national reason."
* . ^short = "互认决定 Recognition decision"
* obeys yl-retest-reason
* status MS
* intent = #order
* code 1..1 MS
* code = YilianTaskKind#recognition-decision
* focus 1..1 MS
* focus only Reference(DiagnosticReport)
* for 1..1 MS
* for only Reference(YilianPatient)
* authoredOn 1..1 MS
* owner 1..1 MS
* owner only Reference(YilianOrganization)
* owner ^short = "The hospital whose doctor decided"
* businessStatus 1..1 MS
* businessStatus from YilianRecognitionDecisions (required)
* reasonCode MS
* reasonCode from YilianRetestReasons (required)

// ---------- Results ----------

Profile: YilianLabReport
Parent: DiagnosticReport
Id: yilian-lab-report
Title: "检验报告 Lab report"
Description: "A lab report pushed by a member's LIS, with its results."
* . ^short = "检验报告 Lab report"
* identifier 1..* MS
* identifier.system 1..1
* identifier.value 1..1
* status MS
* category 1..* MS
* category ^slicing.discriminator.type = #pattern
* category ^slicing.discriminator.path = "$this"
* category ^slicing.rules = #open
* category contains lab 1..1 MS
* category[lab] = $v2-0074#LAB
* code 1..1 MS
* code.coding ^slicing.discriminator.type = #value
* code.coding ^slicing.discriminator.path = "system"
* code.coding ^slicing.rules = #open
* code.coding contains loinc 1..1 MS and catalogue 0..1 MS
* code.coding[loinc].system = $loinc
* code.coding[loinc].code 1..1
* code.coding[catalogue].system = "https://yilian.health/fhir/CodeSystem/yilian-recognition-catalogue"
* code.coding[catalogue].code 1..1
* subject 1..1 MS
* subject only Reference(YilianPatient)
* effective[x] 1..1 MS
* effective[x] only dateTime
* issued 1..1 MS
* performer 1..1 MS
* performer only Reference(YilianOrganization)
* performer ^short = "The lab (检验科) that performed it"
* result 1..* MS
* result only Reference(YilianLabResult)
* extension contains YilianRecognition named recognition 0..1
* extension[recognition] ^short = "Filled by the server on read; removed on write"
* extension contains YilianQcStandingAtIssue named qcStanding 0..1
* extension[qcStanding] ^short = "Stamped by the server on write: QC standing for the item on the report's date"

Profile: YilianImagingReport
Parent: DiagnosticReport
Id: yilian-imaging-report
Title: "影像检查报告 Imaging report"
Description: "An imaging report pushed by a member's PACS/RIS."
* . ^short = "影像检查报告 Imaging report"
* identifier 1..* MS
* identifier.system 1..1
* identifier.value 1..1
* status MS
* category 1..* MS
* category ^slicing.discriminator.type = #pattern
* category ^slicing.discriminator.path = "$this"
* category ^slicing.rules = #open
* category contains imaging 1..1 MS
* category[imaging] from http://hl7.org/fhir/ValueSet/diagnostic-service-sections (required)
* category[imaging] = $v2-0074#RAD
* code 1..1 MS
* code.coding ^slicing.discriminator.type = #value
* code.coding ^slicing.discriminator.path = "system"
* code.coding ^slicing.rules = #open
* code.coding contains loinc 1..1 MS and catalogue 0..1 MS
* code.coding[loinc].system = $loinc
* code.coding[loinc].code 1..1
* code.coding[catalogue].system = "https://yilian.health/fhir/CodeSystem/yilian-recognition-catalogue"
* code.coding[catalogue].code 1..1
* subject 1..1 MS
* subject only Reference(YilianPatient)
* effective[x] 1..1 MS
* effective[x] only dateTime
* issued 1..1 MS
* performer 1..1 MS
* performer only Reference(YilianOrganization)
* performer ^short = "The imaging department (影像科) that performed it"
* imagingStudy MS
* conclusion 1..1 MS
* conclusion ^short = "诊断意见 impression"
* extension contains YilianRecognition named recognition 0..1
* extension[recognition] ^short = "Filled by the server on read; removed on write"
* extension contains YilianQcStandingAtIssue named qcStanding 0..1
* extension[qcStanding] ^short = "Stamped by the server on write: QC standing for the item on the report's date"

Profile: YilianLabResult
Parent: Observation
Id: yilian-lab-result
Title: "检验结果 Lab result"
Description: "One result of a lab report, coded with LOINC."
* . ^short = "检验结果 Lab result"
* obeys yl-value-or-absent
* identifier MS
* status MS
* category 1..* MS
* category ^slicing.discriminator.type = #pattern
* category ^slicing.discriminator.path = "$this"
* category ^slicing.rules = #open
* category contains laboratory 1..1 MS
* category[laboratory] = $obs-category#laboratory
* code 1..1 MS
* code.coding ^slicing.discriminator.type = #value
* code.coding ^slicing.discriminator.path = "system"
* code.coding ^slicing.rules = #open
* code.coding contains loinc 1..1 MS
* code.coding[loinc].system = $loinc
* code.coding[loinc].code 1..1
* subject 1..1 MS
* subject only Reference(YilianPatient)
* effective[x] 1..1 MS
* effective[x] only dateTime
* performer 1..* MS
* performer only Reference(YilianOrganization)
* value[x] MS
* valueQuantity.system = $ucum
* valueQuantity.code 1..1
* referenceRange MS
