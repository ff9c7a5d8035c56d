// The demo alliance: 德阳市城市医疗集团 (002). These examples are the server's demo data.

Instance: deyang-city-medical-group
InstanceOf: YilianAlliance
Title: "德阳市城市医疗集团"
Usage: #example
* identifier[0].system = $uscc
* identifier[0].value = "12510600MB0Y00001A"
* active = true
* type[organizationKind] = YilianOrganizationKind#alliance "医联体"
* type[allianceKind] = YilianAllianceKind#city-medical-group "城市医疗集团"
* name = "德阳市城市医疗集团"
* alias = "Deyang City Medical Group"
* extension[leadHospital].valueReference = Reference(deyang-peoples-hospital)
* extension[greenChannelAcceptanceHours].valuePositiveInt = 2
* extension[recognitionPolicy].valueCode = #same-or-higher
* extension[recognitionItems].valueCanonical = Canonical(yilian-recognition-items-deyang-city-medical-group)
* extension[sharingPolicy].valueCode = #opt-out

Instance: deyang-peoples-hospital
InstanceOf: YilianOrganization
Title: "德阳市人民医院"
Usage: #example
* identifier[uscc].value = "12510600452070001B"
* identifier[practiceLicence].value = "45207000151060011A1001"
* active = true
* type[organizationKind] = YilianOrganizationKind#hospital "医疗机构"
* type[grade] = YilianHospitalGrade#3A "三级甲等"
* name = "德阳市人民医院"
* alias = "Deyang People's Hospital"
* extension[beds].extension[approved].valueUnsignedInt = 2200
* extension[beds].extension[open].valueUnsignedInt = 2450
* address.text = "四川省德阳市旌阳区泰山北路一段173号"

Instance: deyang-peoples-hospital-lab
InstanceOf: YilianOrganization
Title: "德阳市人民医院检验科"
Usage: #example
* identifier[0].system = $department
* identifier[0].value = "12510600452070001B-LAB"
* active = true
* type[organizationKind] = YilianOrganizationKind#laboratory "检验科"
* name = "德阳市人民医院检验科"
* partOf = Reference(deyang-peoples-hospital)
* extension[qualification].extension[code].valueCodeableConcept.text = "室间质量评价 External quality assessment (EQA)"
* extension[qualification].extension[period].valuePeriod.start = "2026-01-01"
* extension[qualification].extension[period].valuePeriod.end = "2026-12-31"
* extension[qualification].extension[issuer].valueReference.display = "四川省临床检验中心 Sichuan Provincial Centre for Clinical Laboratories"
* extension[qualification].extension[status].valueCode = #passed
* extension[qualification].extension[item][0].valueCoding = YilianRecognitionCatalogue#K "血清钾"
* extension[qualification].extension[item][1].valueCoding = YilianRecognitionCatalogue#Na "血清钠"
* extension[qualification].extension[item][2].valueCoding = YilianRecognitionCatalogue#Cl "血清氯"
* extension[qualification].extension[item][3].valueCoding = YilianRecognitionCatalogue#Ca "血清钙"
* extension[qualification].extension[item][4].valueCoding = YilianRecognitionCatalogue#GLU "血糖"
* extension[qualification].extension[item][5].valueCoding = YilianRecognitionCatalogue#BMP "电解质+血糖组合"

Instance: deyang-peoples-hospital-imaging
InstanceOf: YilianOrganization
Title: "德阳市人民医院放射科"
Usage: #example
* identifier[0].system = $department
* identifier[0].value = "12510600452070001B-RAD"
* active = true
* type[organizationKind] = YilianOrganizationKind#imaging-department "影像科"
* name = "德阳市人民医院放射科"
* partOf = Reference(deyang-peoples-hospital)
* extension[qualification].extension[code].valueCodeableConcept.text = "医学影像质量控制评审 Imaging quality review"
* extension[qualification].extension[period].valuePeriod.start = "2026-01-01"
* extension[qualification].extension[period].valuePeriod.end = "2026-12-31"
* extension[qualification].extension[issuer].valueReference.display = "四川省医学影像质量控制中心 Sichuan Imaging QC Centre"
* extension[qualification].extension[status].valueCode = #passed
* extension[qualification].extension[item][0].valueCoding = YilianRecognitionCatalogue#CT-CHEST "胸部CT"
* extension[qualification].extension[item][1].valueCoding = YilianRecognitionCatalogue#DR-CHEST "胸部X线摄影"

Instance: deyang-second-peoples-hospital
InstanceOf: YilianOrganization
Title: "德阳市第二人民医院"
Usage: #example
* identifier[uscc].value = "12510600452070002C"
* active = true
* type[organizationKind] = YilianOrganizationKind#hospital "医疗机构"
* type[grade] = YilianHospitalGrade#2A "二级甲等"
* name = "德阳市第二人民医院"
* extension[beds].extension[approved].valueUnsignedInt = 600

Instance: chengbei-community-health-centre
InstanceOf: YilianOrganization
Title: "旌阳区城北社区卫生服务中心"
Usage: #example
* identifier[uscc].value = "12510603MB1500003D"
* active = true
* type[organizationKind] = YilianOrganizationKind#hospital "医疗机构"
* type[grade] = YilianHospitalGrade#community "社区卫生服务中心"
* name = "旌阳区城北社区卫生服务中心"

Instance: membership-deyang-peoples-hospital
InstanceOf: YilianMembership
Title: "德阳市人民医院：牵头单位"
Usage: #example
* identifier[0].system = $membership-id
* identifier[0].value = "DY-CMG-0001"
* active = true
* period.start = "2023-01-01"
* organization = Reference(deyang-city-medical-group)
* participatingOrganization = Reference(deyang-peoples-hospital)
* network = Reference(deyang-city-medical-group)
* code = YilianMembershipRole#lead "牵头单位"

Instance: membership-deyang-second-peoples-hospital
InstanceOf: YilianMembership
Title: "德阳市第二人民医院：成员单位"
Usage: #example
* identifier[0].system = $membership-id
* identifier[0].value = "DY-CMG-0002"
* active = true
* period.start = "2023-01-01"
* organization = Reference(deyang-city-medical-group)
* participatingOrganization = Reference(deyang-second-peoples-hospital)
* network = Reference(deyang-city-medical-group)
* code = YilianMembershipRole#member "成员单位"

Instance: membership-chengbei-community-health-centre
InstanceOf: YilianMembership
Title: "城北社区卫生服务中心：成员单位"
Usage: #example
* identifier[0].system = $membership-id
* identifier[0].value = "DY-CMG-0003"
* active = true
* period.start = "2023-03-01"
* organization = Reference(deyang-city-medical-group)
* participatingOrganization = Reference(chengbei-community-health-centre)
* network = Reference(deyang-city-medical-group)
* code = YilianMembershipRole#member "成员单位"

Instance: plaque-request-deyang-second-peoples-hospital
InstanceOf: DocumentReference
Title: "悬挂牌匾申请书"
Usage: #example
* status = #current
* description = "关于申请悬挂德阳市城市医疗集团成员单位牌匾的函"
* date = "2025-03-02T09:00:00+08:00"
* author = Reference(deyang-second-peoples-hospital)
* content.attachment.contentType = #application/pdf
* content.attachment.title = "悬挂牌匾申请书.pdf"
* content.attachment.url = "https://yilian.health/documents/DY-CMG-0002-plaque-request.pdf"

Instance: brand-authorization-deyang-second-peoples-hospital
InstanceOf: YilianBrandAuthorization
Title: "德阳市第二人民医院牌匾授权"
Usage: #example
* status = #active
* dateTime = "2025-03-15T10:00:00+08:00"
* performer = Reference(deyang-peoples-hospital)
* organization = Reference(deyang-city-medical-group)
* sourceReference = Reference(plaque-request-deyang-second-peoples-hospital)
* provision.period.start = "2025-03-15"
* provision.period.end = "2027-12-31"
* provision.actor.reference = Reference(deyang-second-peoples-hospital)
* provision.action[0] = YilianBrandAction#hang-plaque "悬挂医联体牌匾"
* provision.action[1] = YilianBrandAction#use-name-in-alliance-business "在医联体业务范围内使用医联体名称"
* provision.extension[plaqueWording].valueString = "德阳市城市医疗集团成员单位"
* provision.provision[0].type = #deny
* provision.provision[0].action[0] = YilianBrandAction#licence-registration
* provision.provision[0].action[1] = YilianBrandAction#medical-documents
* provision.provision[0].action[2] = YilianBrandAction#seals
* provision.provision[0].action[3] = YilianBrandAction#invoices
* provision.provision[0].action[4] = YilianBrandAction#accounts
* provision.provision[0].action[5] = YilianBrandAction#advertising-in-lead-name

Instance: wang-xiuying
InstanceOf: YilianPatient
Title: "王秀英"
Usage: #example
* identifier[residentId].value = "510603198506124528"
* identifier[1].system = "https://yilian.health/fhir/sid/mrn/12510600452070001B"
* identifier[1].value = "DY2024000381"
* name.text = "王秀英"
* name.family = "王"
* name.given = "秀英"
* gender = #female
* birthDate = "1985-06-12"
* telecom.system = #phone
* telecom.value = "13808101234"
* address.text = "四川省德阳市旌阳区长江东路18号"

Instance: sharing-consent-wang-xiuying
InstanceOf: YilianSharingConsent
Title: "王秀英：同意在医联体内共享"
Usage: #example
* status = #active
* patient = Reference(wang-xiuying)
* dateTime = "2024-11-01T09:30:00+08:00"
* organization = Reference(deyang-city-medical-group)
* policy.uri = "https://yilian.health/policies/deyang-city-medical-group/sharing"
* provision.type = #permit

RuleSet: LabResult(loinc, display, text, value, low, high)
* status = #final
* category[laboratory] = $obs-category#laboratory
* code.coding[loinc] = $loinc#{loinc} "{display}"
* code.text = "{text}"
* subject = Reference(wang-xiuying)
* effectiveDateTime = "2026-11-08T08:20:00+08:00"
* issued = "2026-11-08T10:05:00+08:00"
* performer = Reference(deyang-peoples-hospital-lab)
* valueQuantity = {value} 'mmol/L' "mmol/L"
* referenceRange.low = {low} 'mmol/L' "mmol/L"
* referenceRange.high = {high} 'mmol/L' "mmol/L"

Instance: potassium-wang-xiuying
InstanceOf: YilianLabResult
Title: "血清钾 4.1 mmol/L"
Usage: #example
* insert LabResult(2823-3, Potassium [Moles/volume] in Serum or Plasma, 血清钾, 4.1, 3.5, 5.3)

Instance: sodium-wang-xiuying
InstanceOf: YilianLabResult
Title: "血清钠 141 mmol/L"
Usage: #example
* insert LabResult(2951-2, Sodium [Moles/volume] in Serum or Plasma, 血清钠, 141, 137, 147)

Instance: chloride-wang-xiuying
InstanceOf: YilianLabResult
Title: "血清氯 103 mmol/L"
Usage: #example
* insert LabResult(2075-0, Chloride [Moles/volume] in Serum or Plasma, 血清氯, 103, 99, 110)

Instance: calcium-wang-xiuying
InstanceOf: YilianLabResult
Title: "血清钙 2.31 mmol/L"
Usage: #example
* insert LabResult(17861-6, Calcium [Moles/volume] in Serum or Plasma, 血清钙, 2.31, 2.11, 2.52)

Instance: glucose-wang-xiuying
InstanceOf: YilianLabResult
Title: "空腹血糖 5.2 mmol/L"
Usage: #example
* insert LabResult(2345-7, Glucose [Moles/volume] in Serum or Plasma, 空腹血糖, 5.2, 3.9, 6.1)

Instance: lab-report-wang-xiuying
InstanceOf: YilianLabReport
Title: "电解质+血糖 检验报告"
Usage: #example
* identifier[0].system = "https://yilian.health/fhir/sid/lis-report/12510600452070001B"
* identifier[0].value = "DY-LIS-20261108-0042"
* status = #final
* category[lab] = $v2-0074#LAB "Laboratory"
* code.coding[loinc] = $loinc#51990-0 "Basic metabolic panel - Blood"
* code.coding[catalogue] = YilianRecognitionCatalogue#BMP "电解质+血糖组合"
* code.text = "电解质+血糖"
* subject = Reference(wang-xiuying)
* effectiveDateTime = "2026-11-08T08:20:00+08:00"
* issued = "2026-11-08T10:05:00+08:00"
* performer = Reference(deyang-peoples-hospital-lab)
* result[0] = Reference(potassium-wang-xiuying)
* result[1] = Reference(sodium-wang-xiuying)
* result[2] = Reference(chloride-wang-xiuying)
* result[3] = Reference(calcium-wang-xiuying)
* result[4] = Reference(glucose-wang-xiuying)
* conclusion = "血清钾、钠、氯、钙及空腹血糖均在参考范围内。"

Instance: chest-ct-wang-xiuying
InstanceOf: YilianImagingReport
Title: "胸部CT平扫 报告"
Usage: #example
* identifier[0].system = "https://yilian.health/fhir/sid/ris-report/12510600452070001B"
* identifier[0].value = "DY-RIS-20261109-0117"
* status = #final
* category[imaging] = $v2-0074#RAD "Radiology"
* code.coding[loinc] = $loinc#24627-2 "CT Chest"
* code.coding[catalogue] = YilianRecognitionCatalogue#CT-CHEST "胸部CT"
* code.text = "胸部CT平扫"
* subject = Reference(wang-xiuying)
* effectiveDateTime = "2026-11-09T14:30:00+08:00"
* issued = "2026-11-09T16:12:00+08:00"
* performer = Reference(deyang-peoples-hospital-imaging)
* conclusion = "右肺上叶见磨玻璃肺结节，直径约6mm，建议6个月后复查。"

Instance: referral-up-wang-xiuying
InstanceOf: YilianReferral
Title: "胸痛上转（绿色通道）"
Usage: #example
* identifier[0].type = $v2-0203#PLAC
* identifier[0].system = "https://yilian.health/fhir/sid/referral/12510603MB1500003D"
* identifier[0].value = "CB-ZZ-20261110-007"
* status = #active
* intent = #order
* category[direction] = YilianReferralDirection#up "上转"
* category[channel] = YilianReferralChannel#green "绿色通道"
* code = $sct#3457005 "Patient referral"
* subject = Reference(wang-xiuying)
* authoredOn = "2026-11-10T07:45:00+08:00"
* requester = Reference(chengbei-community-health-centre)
* performer = Reference(deyang-peoples-hospital)
* reasonCode.coding[icd10] = $icd10#R07.4 "Chest pain, unspecified"
* reasonCode.text = "胸痛2小时，心电图ST段改变，疑似急性冠脉综合征"
* supportingInfo = Reference(lab-report-wang-xiuying)

Instance: referral-task-wang-xiuying
InstanceOf: YilianReferralTask
Title: "胸痛上转 转诊任务"
Usage: #example
* basedOn = Reference(referral-up-wang-xiuying)
* status = #requested
* businessStatus = YilianReferralBusinessStatus#awaiting-reception "待接诊"
* intent = #order
* code = YilianTaskKind#referral "双向转诊"
* focus = Reference(referral-up-wang-xiuying)
* for = Reference(wang-xiuying)
* authoredOn = "2026-11-10T07:45:00+08:00"
* requester = Reference(chengbei-community-health-centre)
* owner = Reference(deyang-peoples-hospital)
* restriction.period.end = "2026-11-10T09:45:00+08:00"

Instance: recognition-decision-wang-xiuying
InstanceOf: YilianRecognitionDecisionTask
Title: "血清电解质结果互认"
Usage: #example
* status = #completed
* intent = #order
* code = YilianTaskKind#recognition-decision "检查检验结果互认决定"
* focus = Reference(lab-report-wang-xiuying)
* for = Reference(wang-xiuying)
* authoredOn = "2026-11-10T08:30:00+08:00"
* owner = Reference(deyang-peoples-hospital)
* businessStatus = YilianRecognitionDecision#recognised "结果互认"

// A specialty alliance that shares a member with the city group, and one expired and one revoked grant.

Instance: sichuan-chest-pain-specialty-alliance
InstanceOf: YilianAlliance
Title: "四川省胸痛专科联盟"
Usage: #example
* active = true
* type[organizationKind] = YilianOrganizationKind#alliance "医联体"
* type[allianceKind] = YilianAllianceKind#specialty-alliance "专科联盟"
* name = "四川省胸痛专科联盟"
* extension[leadHospital].valueReference = Reference(deyang-peoples-hospital)
* extension[recognitionPolicy].valueCode = #all-levels
* extension[recognitionItems].valueCanonical = Canonical(yilian-recognition-items-sichuan-chest-pain-specialty-alliance)

Instance: membership-specialty-deyang-peoples-hospital
InstanceOf: YilianMembership
Title: "德阳市人民医院：胸痛专科联盟牵头单位"
Usage: #example
* identifier[0].system = $membership-id
* identifier[0].value = "SC-CP-0001"
* active = true
* period.start = "2024-01-01"
* organization = Reference(sichuan-chest-pain-specialty-alliance)
* participatingOrganization = Reference(deyang-peoples-hospital)
* network = Reference(sichuan-chest-pain-specialty-alliance)
* code = YilianMembershipRole#lead "牵头单位"

Instance: membership-specialty-deyang-second-peoples-hospital
InstanceOf: YilianMembership
Title: "德阳市第二人民医院：胸痛专科联盟协作单位"
Usage: #example
* identifier[0].system = $membership-id
* identifier[0].value = "SC-CP-0002"
* active = true
* period.start = "2024-01-01"
* organization = Reference(sichuan-chest-pain-specialty-alliance)
* participatingOrganization = Reference(deyang-second-peoples-hospital)
* network = Reference(sichuan-chest-pain-specialty-alliance)
* code = YilianMembershipRole#collaborating "协作单位"

Instance: brand-authorization-chengbei-expired
InstanceOf: YilianBrandAuthorization
Title: "城北社区卫生服务中心牌匾授权（已过期）"
Usage: #example
* status = #active
* dateTime = "2023-03-15T10:00:00+08:00"
* performer = Reference(deyang-peoples-hospital)
* organization = Reference(deyang-city-medical-group)
* sourceReference = Reference(plaque-request-deyang-second-peoples-hospital)
* provision.period.start = "2023-03-15"
* provision.period.end = "2025-03-14"
* provision.actor.reference = Reference(chengbei-community-health-centre)
* provision.action[0] = YilianBrandAction#hang-plaque "悬挂医联体牌匾"
* provision.extension[plaqueWording].valueString = "德阳市城市医疗集团成员单位"

Instance: brand-authorization-specialty-revoked
InstanceOf: YilianBrandAuthorization
Title: "德阳市第二人民医院胸痛专科联盟名称授权（已撤销）"
Usage: #example
* status = #inactive
* extension[revocationReason].valueString = "未经授权在广告中使用牵头医院名义（协议第4.2.7条）"
* dateTime = "2024-02-01T10:00:00+08:00"
* performer = Reference(deyang-peoples-hospital)
* organization = Reference(sichuan-chest-pain-specialty-alliance)
* sourceReference = Reference(plaque-request-deyang-second-peoples-hospital)
* provision.period.start = "2024-02-01"
* provision.period.end = "2027-01-31"
* provision.actor.reference = Reference(deyang-second-peoples-hospital)
* provision.action[0] = YilianBrandAction#use-name-in-alliance-business "在医联体业务范围内使用医联体名称"
