Extension: YilianLeadHospital
Id: yilian-lead-hospital
Title: "牵头医院 Lead hospital"
Description: "The alliance's lead hospital (牵头单位)."
Context: Organization
* value[x] only Reference(YilianOrganization)
* valueReference 1..1

Extension: YilianBeds
Id: yilian-beds
Title: "床位数 Beds"
Description: "Approved (编制床位) and open (实际开放床位) beds, as on the filing form (004 annex 3)."
Context: Organization
* extension contains approved 1..1 and open 0..1
* extension[approved] ^short = "编制床位数 approved beds"
* extension[approved].value[x] only unsignedInt
* extension[open] ^short = "实际开放床位数 open beds"
* extension[open].value[x] only unsignedInt

Extension: YilianGreenChannelAcceptanceHours
Id: yilian-green-channel-acceptance-hours
Title: "绿色通道接诊时限 Green-channel acceptance deadline"
Description: "Hours within which a receiving member must accept or reject a green-channel referral (alliance setting)."
Context: Organization
* value[x] only positiveInt

Extension: YilianRecognitionPolicySetting
Id: yilian-recognition-policy
Title: "互认层级规则 Recognition level rule"
Description: "The alliance's level rule for recognising results."
Context: Organization
* value[x] only code
* valueCode from YilianRecognitionPolicies (required)

ValueSet: YilianRecognitionPolicies
Id: yilian-recognition-policy
Title: "互认层级规则 Recognition level rules"
Description: "All level rules."
* include codes from system YilianRecognitionPolicy

Extension: YilianRecognitionItems
Id: yilian-recognition-items
Title: "本医联体互认项目 Items the alliance recognises"
Description: "The ValueSet of recognition-catalogue items the alliance recognises (互认项目, 003: recognised item by item, step by step): usually the provincial catalogue or part of it, each item with the catalogue's validity window unless the ValueSet gives its own (yilian-validity-days). Without it the alliance recognises every item of the guide's catalogue. Eligibility, the HR mark and $recognizable use this set."
Context: Organization
* value[x] only canonical
* valueCanonical 1..1
* valueCanonical ^short = "ValueSet.url of the alliance's items 本医联体互认项目值集"

Extension: YilianValidityDays
Id: yilian-validity-days
Title: "本医联体有效期 The alliance's validity window"
Description: "Days a result of this item stays recognisable in the alliance whose items ValueSet lists it, counted from the result's effective time (overrides the catalogue's validity-days)."
Context: ValueSet.compose.include.concept
* value[x] only positiveInt
* valuePositiveInt 1..1

Extension: YilianSharingPolicySetting
Id: yilian-sharing-policy
Title: "共享同意模式 Sharing consent mode"
Description: "Whether the alliance shares records unless a patient opts out, or only after a patient opts in."
Context: Organization
* value[x] only code
* valueCode from YilianSharingPolicies (required)

ValueSet: YilianSharingPolicies
Id: yilian-sharing-policy
Title: "共享同意模式 Sharing consent modes"
Description: "All sharing modes."
* include codes from system YilianSharingPolicy

Extension: YilianMembershipEndReasonExt
Id: yilian-membership-end-reason
Title: "成员资格终止原因 Why the membership ended"
Description: "Recorded when a membership ends."
Context: OrganizationAffiliation
* value[x] only CodeableConcept
* valueCodeableConcept from YilianMembershipEndReasons (required)

Extension: YilianPlaqueWording
Id: yilian-plaque-wording
Title: "牌匾文字 Plaque wording"
Description: "The exact wording of the plaque the member may hang, e.g. 德阳市城市医疗集团成员单位."
Context: Consent.provision
* value[x] only string

Extension: YilianQcStatusExt
Id: yilian-qc-status
Title: "质控结果 QC standing"
Description: "Standing of a quality-control qualification (sub-extension of Organization.qualification)."
Context: OrganizationQualification
* value[x] only code
* valueCode from YilianQcStatuses (required)

Extension: YilianQcItem
Id: yilian-qc-item
Title: "质控覆盖项目 Catalogue item covered"
Description: "A recognition catalogue item the qualification covers (sub-extension of Organization.qualification)."
Context: OrganizationQualification
* value[x] only Coding
* valueCoding from YilianRecognitionCatalogueItems (required)

Extension: OrganizationQualification
Id: extension-Organization.qualification
Title: "R5: Organization.qualification (cross-version)"
Description: "FHIR R5's Organization.qualification in R4 (cross-version extension): a quality-control qualification of a lab or imaging department, with Yilian's standing and covered catalogue items."
Context: Organization
* ^url = $qualification
* extension contains
    identifier 0..* and
    code 1..1 and
    period 1..1 and
    issuer 1..1 and
    YilianQcStatusExt named status 1..1 and
    YilianQcItem named item 1..*
* extension[identifier].value[x] only Identifier
* extension[code].value[x] only CodeableConcept
* extension[code] ^short = "Kind of qualification, e.g. 室间质评 EQA"
* extension[period].value[x] only Period
* extension[issuer].value[x] only Reference(Organization)
* extension[issuer] ^short = "The QC centre (national, provincial or alliance)"

Extension: YilianRecognition
Id: yilian-recognition
Title: "检查检验结果互认 Recognition"
Description: "Computed by the server on read: whether and where a report is recognised (HR mark). A sender's value is never trusted; the server removes it on write."
Context: DiagnosticReport
* extension contains hr-mark 1..1 and scope 1..1 and item 1..1 and valid-until 1..1
* extension[hr-mark].value[x] only string
* extension[hr-mark] ^short = "e.g. 德阳市城市医疗集团HR"
* extension[scope].value[x] only Reference(Organization)
* extension[scope] ^short = "The alliance in which it is recognised"
* extension[item].value[x] only Coding
* extension[valid-until].value[x] only dateTime
* extension[valid-until] ^short = "Effective time + the item's validity-days × 24 h; at this instant the result is no longer recognisable"

Extension: YilianQcStandingAtIssue
Id: yilian-qc-standing
Title: "出具时质控结果 QC standing at issue"
Description: "Stamped by the server when a report is stored: the performer's QC standing for the report's catalogue item on the report's date (passed, failed, suspended; absent when the item is not catalogued or no qualification covers it). A sender's value is replaced. Auditors search it with qc-standing."
Context: DiagnosticReport
* value[x] only code
* valueCode from YilianQcStatuses (required)

Extension: YilianRevocationReason
Id: yilian-revocation-reason
Title: "撤销原因 Why a grant was revoked"
Description: "Recorded by the lead hospital when it revokes a brand grant (status inactive), e.g. unauthorised use (004 agreement §4.2.7)."
Context: Consent
* value[x] only string
