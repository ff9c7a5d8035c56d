// ---------- Organisations and alliances ----------

CodeSystem: YilianAllianceKind
Id: yilian-alliance-kind
Title: "医联体类型 Kind of alliance"
Description: "The kinds of medical alliance (医联体) named by the national rules and the alliances' charters."
* ^caseSensitive = true
* ^language = #zh-CN
* #city-medical-group "城市医疗集团" "City medical group (002)"
* #county-community-close "紧密型县域医共体" "County medical community, close (003)"
* #county-community-loose "松散型县域医共体" "County medical community, loose (003)"
* #specialty-alliance "专科联盟" "Specialty alliance (004)"
* #telemedicine-network "远程医疗协作网" "Telemedicine network (004 filing form)"
* #horizontal-alliance "横向医院联盟" "Horizontal alliance of specialised hospitals (001)"

ValueSet: YilianAllianceKinds
Id: yilian-alliance-kind
Title: "医联体类型 Kinds of alliance"
Description: "All kinds of alliance."
* include codes from system YilianAllianceKind

CodeSystem: YilianOrganizationKind
Id: yilian-organization-kind
Title: "机构类别 Kind of organisation"
Description: "What an Organization is inside an alliance: the alliance itself, a member hospital or centre, or one of its departments."
* ^caseSensitive = true
* ^language = #zh-CN
* #alliance "医联体" "Alliance"
* #hospital "医疗机构" "Member hospital or health centre"
* #department "科室" "Clinical department"
* #laboratory "检验科" "Laboratory"
* #imaging-department "影像科" "Imaging department (radiology, ultrasound, nuclear medicine)"
* #alliance-office "医联体办公室" "Alliance office"

ValueSet: YilianMemberOrganizationKinds
Id: yilian-member-organization-kind
Title: "成员机构类别 Kinds of member organisation"
Description: "Kinds of organisation a yilian-organization may be (not the alliance itself)."
* YilianOrganizationKind#hospital
* YilianOrganizationKind#department
* YilianOrganizationKind#laboratory
* YilianOrganizationKind#imaging-department
* YilianOrganizationKind#alliance-office

CodeSystem: YilianHospitalGrade
Id: yilian-hospital-grade
Title: "医院等级 Hospital grade"
Description: "Grades of Chinese medical institutions. The `level` property (3 highest, 0 village clinic) orders them for the referral direction and the recognition level rule."
* ^caseSensitive = true
* ^language = #zh-CN
* ^property[0].code = #level
* ^property[0].description = "Level used to compare grades: 3 tertiary, 2 secondary, 1 primary hospital, 1 township or community centre, 0 village clinic"
* ^property[0].type = #integer
* #3A "三级甲等" "Tertiary, grade A"
  * ^property[0].code = #level
  * ^property[0].valueInteger = 3
* #3B "三级乙等" "Tertiary, grade B"
  * ^property[0].code = #level
  * ^property[0].valueInteger = 3
* #3C "三级丙等" "Tertiary, grade C"
  * ^property[0].code = #level
  * ^property[0].valueInteger = 3
* #2A "二级甲等" "Secondary, grade A"
  * ^property[0].code = #level
  * ^property[0].valueInteger = 2
* #2B "二级乙等" "Secondary, grade B"
  * ^property[0].code = #level
  * ^property[0].valueInteger = 2
* #2C "二级丙等" "Secondary, grade C"
  * ^property[0].code = #level
  * ^property[0].valueInteger = 2
* #1 "一级" "Primary hospital"
  * ^property[0].code = #level
  * ^property[0].valueInteger = 1
* #township "乡镇卫生院" "Township health centre"
  * ^property[0].code = #level
  * ^property[0].valueInteger = 1
* #community "社区卫生服务中心" "Community health service centre"
  * ^property[0].code = #level
  * ^property[0].valueInteger = 1
* #village "村卫生室" "Village clinic"
  * ^property[0].code = #level
  * ^property[0].valueInteger = 0

ValueSet: YilianHospitalGrades
Id: yilian-hospital-grade
Title: "医院等级 Hospital grades"
Description: "All hospital grades."
* include codes from system YilianHospitalGrade

// ---------- Membership ----------

CodeSystem: YilianMembershipRole
Id: yilian-membership-role
Title: "成员角色 Membership role"
Description: "A member's role in its alliance."
* ^caseSensitive = true
* ^language = #zh-CN
* #lead "牵头单位" "Lead hospital"
* #core "核心单位" "Core member"
* #member "成员单位" "Member"
* #collaborating "协作单位" "Collaborating unit"
* #branch "分院" "Branch"
* #village-clinic "村卫生室" "Village clinic"

ValueSet: YilianMembershipRoles
Id: yilian-membership-role
Title: "成员角色 Membership roles"
Description: "All membership roles."
* include codes from system YilianMembershipRole

CodeSystem: YilianMembershipEndReason
Id: yilian-membership-end-reason
Title: "成员资格终止原因 Why a membership ended"
Description: "Reasons a membership ends (000 art.11, 002 annex, 003, 004 agreement §7-8)."
* ^caseSensitive = true
* ^language = #zh-CN
* #withdrawal "主动退出" "Withdrawal"
* #violation "严重违规" "Serious violation"
* #qc-failure "质量控制不达标" "Quality-control failure"
* #legal-person-terminated "法人主体终止" "Legal person terminated (split, merger, dissolution, bankruptcy)"
* #alliance-dissolved "医联体解散" "Alliance dissolved"
* #term-expired "协议期满" "Term expired"

ValueSet: YilianMembershipEndReasons
Id: yilian-membership-end-reason
Title: "成员资格终止原因 Membership end reasons"
Description: "All membership end reasons."
* include codes from system YilianMembershipEndReason

// ---------- Brand rights ----------

CodeSystem: YilianBrandAction
Id: yilian-brand-action
Title: "品牌使用行为 Uses of the alliance brand"
Description: "What a member may or may not do with the alliance's name and plaque (002 §7 and annex, 004 art.19.4, agreement §4.2.7). Concepts with `grantable` false can never be granted."
* ^caseSensitive = true
* ^language = #zh-CN
* ^property[0].code = #grantable
* ^property[0].description = "Whether the lead hospital may grant this use at all"
* ^property[0].type = #boolean
* #hang-plaque "悬挂医联体牌匾" "Hang the alliance plaque, with its exact wording"
  * ^property[0].code = #grantable
  * ^property[0].valueBoolean = true
* #use-name-in-alliance-business "在医联体业务范围内使用医联体名称" "Use the alliance name within alliance business"
  * ^property[0].code = #grantable
  * ^property[0].valueBoolean = true
* #licence-registration "用于执业许可证登记" "Use in practice-licence registration"
  * ^property[0].code = #grantable
  * ^property[0].valueBoolean = false
* #medical-documents "用于医疗文书" "Use on medical documents"
  * ^property[0].code = #grantable
  * ^property[0].valueBoolean = false
* #seals "用于印章" "Use on seals"
  * ^property[0].code = #grantable
  * ^property[0].valueBoolean = false
* #invoices "用于票据" "Use on invoices"
  * ^property[0].code = #grantable
  * ^property[0].valueBoolean = false
* #accounts "用于账户" "Use on accounts"
  * ^property[0].code = #grantable
  * ^property[0].valueBoolean = false
* #advertising-in-lead-name "以牵头医院名义做广告" "Advertising in the lead hospital's name"
  * ^property[0].code = #grantable
  * ^property[0].valueBoolean = false

ValueSet: YilianGrantableBrandActions
Id: yilian-grantable-brand-action
Title: "可授权的品牌使用 Grantable uses of the brand"
Description: "The uses a lead hospital may grant."
* YilianBrandAction#hang-plaque
* YilianBrandAction#use-name-in-alliance-business

ValueSet: YilianBrandActions
Id: yilian-brand-action
Title: "品牌使用行为 All uses of the brand"
Description: "Every use, grantable or not (for the denied provisions)."
* include codes from system YilianBrandAction

CodeSystem: YilianConsentKind
Id: yilian-consent-kind
Title: "同意书类别 Kinds of Consent in Yilian"
Description: "Scope and category of Consents that are not about a patient. FHIR R4's consent scopes (adr, research, patient-privacy, treatment) and categories all describe a patient's consent; a lead hospital's grant of its alliance brand to another organisation is none of them, so the guide codes it itself rather than stretch patient-privacy."
* ^caseSensitive = true
* ^language = #zh-CN
* #brand-authorization "医联体品牌授权" "Alliance brand authorization"
* #alliance-sharing "医联体内诊疗信息共享" "Sharing of records inside the alliance"

CodeSystem: YilianConsentActorRole
Id: yilian-consent-actor-role
Title: "授权参与方角色 Roles in a brand authorization"
Description: "The role of an organisation in a brand authorization."
* ^caseSensitive = true
* #grantee "被授权单位" "Grantee: the member that may use the brand"

// ---------- Referral ----------

CodeSystem: YilianReferralDirection
Id: yilian-referral-direction
Title: "转诊方向 Referral direction"
Description: "Direction of a referral, derived from the organisations' grades."
* ^caseSensitive = true
* ^language = #zh-CN
* #up "上转" "Up-referral, to a higher grade"
* #down "下转" "Down-referral, to a lower grade"
* #lateral "平转" "Lateral referral: same grade, or inside a specialty or horizontal alliance"

ValueSet: YilianReferralDirections
Id: yilian-referral-direction
Title: "转诊方向 Referral directions"
Description: "All referral directions."
* include codes from system YilianReferralDirection

CodeSystem: YilianReferralChannel
Id: yilian-referral-channel
Title: "转诊通道 Referral channel"
Description: "Green channel (priority reception, examination and admission, no transfer charge) or standard."
* ^caseSensitive = true
* ^language = #zh-CN
* #green "绿色通道" "Green channel"
* #standard "常规转诊" "Standard"

ValueSet: YilianReferralChannels
Id: yilian-referral-channel
Title: "转诊通道 Referral channels"
Description: "All referral channels."
* include codes from system YilianReferralChannel

CodeSystem: YilianTaskKind
Id: yilian-task-kind
Title: "任务类别 Kinds of Task"
Description: "What a Yilian Task coordinates."
* ^caseSensitive = true
* ^language = #zh-CN
* #referral "双向转诊" "Two-way referral"
* #cancellation-request "转诊取消申请" "Request to cancel a referral already in progress"
* #recognition-decision "检查检验结果互认决定" "Decision on recognising a prior result"

CodeSystem: YilianReferralBusinessStatus
Id: yilian-referral-business-status
Title: "转诊业务状态 Referral business status"
Description: "Finer states of a referral, beside Task.status."
* ^caseSensitive = true
* ^language = #zh-CN
* #awaiting-reception "待接诊" "Awaiting reception"
* #reception-scheduled "已安排接诊" "Reception scheduled"
* #patient-arrived "患者已到院" "Patient arrived"
* #admitted "已收住院" "Admitted"
* #feedback-sent "已回馈诊疗结果" "Feedback sent to the referring hospital"
* #referred-down "已下转" "Referred down"

ValueSet: YilianReferralBusinessStatuses
Id: yilian-referral-business-status
Title: "转诊业务状态 Referral business statuses"
Description: "All referral business statuses."
* include codes from system YilianReferralBusinessStatus

CodeSystem: YilianReferralRejectionReason
Id: yilian-referral-rejection-reason
Title: "转诊拒绝原因 Why a referral was rejected"
Description: "Coded reasons for rejecting a referral."
* ^caseSensitive = true
* ^language = #zh-CN
* #no-capacity "床位或接诊能力不足" "No bed or capacity"
* #outside-scope "超出本院诊疗范围" "Outside the hospital's scope"
* #incomplete-records "转诊资料不全" "Referral records incomplete"
* #not-indicated "不符合转诊指征" "Referral not indicated"
* #patient-declined "患者拒绝" "Patient declined"
* #other "其他原因" "Other (state it in the text)"

ValueSet: YilianReferralRejectionReasons
Id: yilian-referral-rejection-reason
Title: "转诊拒绝原因 Referral rejection reasons"
Description: "All referral rejection reasons."
* include codes from system YilianReferralRejectionReason

// ---------- Quality control and recognition ----------

CodeSystem: YilianRecognitionDiscipline
Id: yilian-recognition-discipline
Title: "互认专业 Recognition discipline"
Description: "Disciplines of the recognition catalogue."
* ^caseSensitive = true
* ^language = #zh-CN
* #lab "医学检验" "Laboratory medicine"
* #radiology "放射" "Radiology"
* #ultrasound "超声" "Ultrasound"
* #nuclear-medicine "核医学" "Nuclear medicine"
* #ecg "心电" "Electrocardiography"
* #pathology "病理" "Pathology"

CodeSystem: YilianRecognitionCatalogue
Id: yilian-recognition-catalogue
Title: "检查检验结果互认项目目录 Recognition catalogue"
Description: "Items whose results alliance members recognise when quality control passed, with their discipline and validity window in days, counted from the result's effective time."
* ^caseSensitive = true
* ^language = #zh-CN
* ^property[0].code = #discipline
* ^property[0].description = "Discipline (yilian-recognition-discipline)"
* ^property[0].type = #Coding
* ^property[1].code = #validity-days
* ^property[1].description = "Days a result stays recognisable, counted in instants: from its effective time to effective time + days × 24 h (valid-until), not to the end of that day"
* ^property[1].type = #integer
* #K "血清钾" "Potassium"
  * ^property[0].code = #discipline
  * ^property[0].valueCoding = YilianRecognitionDiscipline#lab
  * ^property[1].code = #validity-days
  * ^property[1].valueInteger = 7
* #Na "血清钠" "Sodium"
  * ^property[0].code = #discipline
  * ^property[0].valueCoding = YilianRecognitionDiscipline#lab
  * ^property[1].code = #validity-days
  * ^property[1].valueInteger = 7
* #Cl "血清氯" "Chloride"
  * ^property[0].code = #discipline
  * ^property[0].valueCoding = YilianRecognitionDiscipline#lab
  * ^property[1].code = #validity-days
  * ^property[1].valueInteger = 7
* #Ca "血清钙" "Calcium"
  * ^property[0].code = #discipline
  * ^property[0].valueCoding = YilianRecognitionDiscipline#lab
  * ^property[1].code = #validity-days
  * ^property[1].valueInteger = 7
* #GLU "血糖" "Glucose"
  * ^property[0].code = #discipline
  * ^property[0].valueCoding = YilianRecognitionDiscipline#lab
  * ^property[1].code = #validity-days
  * ^property[1].valueInteger = 30
* #TC "总胆固醇" "Total cholesterol"
  * ^property[0].code = #discipline
  * ^property[0].valueCoding = YilianRecognitionDiscipline#lab
  * ^property[1].code = #validity-days
  * ^property[1].valueInteger = 30
* #TG "甘油三酯" "Triglycerides"
  * ^property[0].code = #discipline
  * ^property[0].valueCoding = YilianRecognitionDiscipline#lab
  * ^property[1].code = #validity-days
  * ^property[1].valueInteger = 30
* #LDL-C "低密度脂蛋白胆固醇" "LDL cholesterol"
  * ^property[0].code = #discipline
  * ^property[0].valueCoding = YilianRecognitionDiscipline#lab
  * ^property[1].code = #validity-days
  * ^property[1].valueInteger = 30
* #TBIL "总胆红素" "Total bilirubin"
  * ^property[0].code = #discipline
  * ^property[0].valueCoding = YilianRecognitionDiscipline#lab
  * ^property[1].code = #validity-days
  * ^property[1].valueInteger = 30
* #HbA1c "糖化血红蛋白" "Haemoglobin A1c"
  * ^property[0].code = #discipline
  * ^property[0].valueCoding = YilianRecognitionDiscipline#lab
  * ^property[1].code = #validity-days
  * ^property[1].valueInteger = 60
* #BMP "电解质+血糖组合" "Basic metabolic panel"
  * ^property[0].code = #discipline
  * ^property[0].valueCoding = YilianRecognitionDiscipline#lab
  * ^property[1].code = #validity-days
  * ^property[1].valueInteger = 7
* #CT-CHEST "胸部CT" "CT of the chest"
  * ^property[0].code = #discipline
  * ^property[0].valueCoding = YilianRecognitionDiscipline#radiology
  * ^property[1].code = #validity-days
  * ^property[1].valueInteger = 30
* #DR-CHEST "胸部X线摄影" "Chest radiograph"
  * ^property[0].code = #discipline
  * ^property[0].valueCoding = YilianRecognitionDiscipline#radiology
  * ^property[1].code = #validity-days
  * ^property[1].valueInteger = 30
* #US-ABDOMEN "腹部超声" "Abdominal ultrasound"
  * ^property[0].code = #discipline
  * ^property[0].valueCoding = YilianRecognitionDiscipline#ultrasound
  * ^property[1].code = #validity-days
  * ^property[1].valueInteger = 14

ValueSet: YilianRecognitionCatalogueItems
Id: yilian-recognition-catalogue
Title: "互认项目 Recognition catalogue items"
Description: "All catalogue items."
* include codes from system YilianRecognitionCatalogue

ValueSet: YilianRecognitionItemsDeyangCityMedicalGroup
Id: yilian-recognition-items-deyang-city-medical-group
Title: "德阳市城市医疗集团互认项目 Items recognised by 德阳市城市医疗集团"
Description: "The city medical group recognises every item of the provincial catalogue, with the catalogue's validity windows."
* include codes from system YilianRecognitionCatalogue

ValueSet: YilianRecognitionItemsChestPainAlliance
Id: yilian-recognition-items-sichuan-chest-pain-specialty-alliance
Title: "四川省胸痛专科联盟互认项目 Items recognised by 四川省胸痛专科联盟"
Description: "The chest-pain specialty alliance recognises the items a chest-pain pathway repeats: electrolytes, glucose and lipids, and chest imaging; its chest CT stays recognisable 14 days, not the catalogue's 30 (a chest-pain patient's findings change fast)."
* YilianRecognitionCatalogue#K "血清钾"
* YilianRecognitionCatalogue#Na "血清钠"
* YilianRecognitionCatalogue#Cl "血清氯"
* YilianRecognitionCatalogue#Ca "血清钙"
* YilianRecognitionCatalogue#GLU "血糖"
* YilianRecognitionCatalogue#BMP "电解质+血糖组合"
* YilianRecognitionCatalogue#TC "总胆固醇"
* YilianRecognitionCatalogue#TG "甘油三酯"
* YilianRecognitionCatalogue#LDL-C "低密度脂蛋白胆固醇"
* YilianRecognitionCatalogue#CT-CHEST "胸部CT"
  * ^extension[0].url = "https://yilian.health/fhir/StructureDefinition/yilian-validity-days"
  * ^extension[0].valuePositiveInt = 14
* YilianRecognitionCatalogue#DR-CHEST "胸部X线摄影"

CodeSystem: YilianQcStatus
Id: yilian-qc-status
Title: "质控结果 Quality-control standing"
Description: "Standing of a quality-control qualification."
* ^caseSensitive = true
* ^language = #zh-CN
* #passed "合格" "Passed"
* #failed "不合格" "Failed"
* #suspended "暂停" "Suspended"

ValueSet: YilianQcStatuses
Id: yilian-qc-status
Title: "质控结果 Quality-control standings"
Description: "All QC standings."
* include codes from system YilianQcStatus

CodeSystem: YilianQcIssuerLevel
Id: yilian-qc-issuer-level
Title: "质控中心级别 Level of the QC centre"
Description: "Who issued a quality-control qualification."
* ^caseSensitive = true
* ^language = #zh-CN
* #national "国家级质控中心" "National QC centre"
* #provincial "省级质控中心" "Provincial QC centre"
* #alliance "医联体质控中心" "Alliance QC centre"

ValueSet: YilianQcIssuerLevels
Id: yilian-qc-issuer-level
Title: "质控中心级别 QC centre levels"
Description: "All QC centre levels."
* include codes from system YilianQcIssuerLevel

CodeSystem: YilianRecognitionPolicy
Id: yilian-recognition-policy
Title: "互认层级规则 Level rule of recognition"
Description: "Which levels of member an alliance's requesters recognise (003: same level recognise each other, lower levels recognise the higher)."
* ^caseSensitive = true
* ^language = #zh-CN
* #same-or-higher "同级互认、下级认可上级" "Same level, or performer of a higher level"
* #all-levels "全部层级互认" "All levels recognise each other"

CodeSystem: YilianSharingPolicy
Id: yilian-sharing-policy
Title: "共享同意模式 Sharing consent mode"
Description: "Whether an alliance shares a patient's records unless the patient says no (opt-out) or only when the patient says yes (opt-in)."
* ^caseSensitive = true
* ^language = #zh-CN
* #opt-out "默认共享（可选择退出）" "Opt-out"
* #opt-in "需明确同意（选择加入）" "Opt-in"

CodeSystem: YilianRecognitionDecision
Id: yilian-recognition-decision
Title: "互认决定 Recognition decision"
Description: "The receiving doctor's decision on a prior result."
* ^caseSensitive = true
* ^language = #zh-CN
* #recognised "结果互认" "Recognised"
* #retested "重新检查" "Re-tested"

ValueSet: YilianRecognitionDecisions
Id: yilian-recognition-decision
Title: "互认决定 Recognition decisions"
Description: "All decisions."
* include codes from system YilianRecognitionDecision

CodeSystem: YilianRetestReason
Id: yilian-retest-reason
Title: "重新检查原因 Why a result was re-tested"
Description: "The national rule's reasons (2022 医疗机构检查检验结果互认管理办法) for re-testing instead of recognising."
* ^caseSensitive = true
* ^language = #zh-CN
* #condition-changed "病情变化" "The patient's condition changed"
* #fast-changing-value "检查检验项目变化快" "The value changes fast"
* #before-surgery-or-transfusion "手术或输血前" "Before surgery or transfusion"
* #emergency "急诊、急救" "Emergency"
* #forensic-or-disability-assessment "司法鉴定、伤残评定" "Forensic or disability assessment"
* #other "其他原因（需说明）" "Other stated reason"

ValueSet: YilianRetestReasons
Id: yilian-retest-reason
Title: "重新检查原因 Re-test reasons"
Description: "All re-test reasons."
* include codes from system YilianRetestReason

Instance: yilian-recognition-catalogue-to-loinc
InstanceOf: ConceptMap
Usage: #definition
Title: "互认项目与LOINC对照 Catalogue to LOINC"
Description: "Which LOINC codes report each catalogue item."
* url = "https://yilian.health/fhir/ConceptMap/yilian-recognition-catalogue-to-loinc"
* name = "YilianRecognitionCatalogueToLoinc"
* status = #draft
* sourceUri = "https://yilian.health/fhir/ValueSet/yilian-recognition-catalogue"
* targetUri = "http://loinc.org/vs"
* group[0].source = "https://yilian.health/fhir/CodeSystem/yilian-recognition-catalogue"
* group[0].target = "http://loinc.org"
* group[0].element[0].code = #K
* group[0].element[0].target[0].code = #2823-3
* group[0].element[0].target[0].equivalence = #equivalent
* group[0].element[1].code = #Na
* group[0].element[1].target[0].code = #2951-2
* group[0].element[1].target[0].equivalence = #equivalent
* group[0].element[2].code = #Cl
* group[0].element[2].target[0].code = #2075-0
* group[0].element[2].target[0].equivalence = #equivalent
* group[0].element[3].code = #Ca
* group[0].element[3].target[0].code = #17861-6
* group[0].element[3].target[0].equivalence = #equivalent
* group[0].element[4].code = #GLU
* group[0].element[4].target[0].code = #2345-7
* group[0].element[4].target[0].equivalence = #equivalent
* group[0].element[5].code = #TC
* group[0].element[5].target[0].code = #2093-3
* group[0].element[5].target[0].equivalence = #equivalent
* group[0].element[6].code = #TG
* group[0].element[6].target[0].code = #2571-8
* group[0].element[6].target[0].equivalence = #equivalent
* group[0].element[7].code = #LDL-C
* group[0].element[7].target[0].code = #13457-7
* group[0].element[7].target[0].equivalence = #equivalent
* group[0].element[8].code = #TBIL
* group[0].element[8].target[0].code = #1975-2
* group[0].element[8].target[0].equivalence = #equivalent
* group[0].element[9].code = #HbA1c
* group[0].element[9].target[0].code = #4548-4
* group[0].element[9].target[0].equivalence = #equivalent
* group[0].element[10].code = #BMP
* group[0].element[10].target[0].code = #51990-0
* group[0].element[10].target[0].equivalence = #equivalent
* group[0].element[11].code = #CT-CHEST
* group[0].element[11].target[0].code = #24627-2
* group[0].element[11].target[0].equivalence = #equivalent
* group[0].element[12].code = #DR-CHEST
* group[0].element[12].target[0].code = #36643-5
* group[0].element[12].target[0].equivalence = #equivalent
* group[0].element[13].code = #US-ABDOMEN
* group[0].element[13].target[0].code = #24558-9
* group[0].element[13].target[0].equivalence = #equivalent

CodeSystem: YilianBrandCheckReason
Id: yilian-brand-check-reason
Title: "品牌使用核验结论 Brand-check reason"
Description: "Why an organisation may or may not use an alliance's brand on a date (answer of Organization/$brand-check)."
* ^caseSensitive = true
* ^language = #zh-CN
* #permitted "已获授权" "Permitted by an active grant"
* #no-grant "未获授权" "No grant"
* #not-yet-valid "授权尚未生效" "The grant is not yet valid"
* #expired "授权已过期" "The grant has expired"
* #revoked "授权已撤销" "The grant was revoked"
* #membership-ended "成员资格已终止" "The membership has ended"
* #member-inactive "机构已终止" "The organisation is no longer active"
* #action-denied "该用途未获授权或被明确禁止" "The grant does not permit this use, or denies it"
* #action-never-grantable "该用途不得授权" "This use can never be granted"

CodeSystem: YilianRecognitionReason
Id: yilian-recognition-reason
Title: "互认核验结论 Recognition reason"
Description: "Why a report is or is not recognisable by a requesting member on a date (answer of DiagnosticReport/$recognition)."
* ^caseSensitive = true
* ^language = #zh-CN
* #recognisable "可互认" "Recognisable: every condition holds"
* #not-final "报告未终审" "The report is not final, amended or corrected"
* #not-catalogued "项目不在互认目录" "The item is not in the alliance's recognition catalogue"
* #qc-not-passed "质控未通过" "The performer held no passing QC qualification for the item on the report's date"
* #performer-not-member "出具机构非成员" "The performer was not an active member of an alliance the requester belongs to on the report's date"
* #requester-not-member "调阅机构非成员" "The requester is not an active member of any alliance on the evaluation date"
* #level-rule "层级不符" "The performer is of a lower level than the requester and the alliance recognises same or higher levels only"
* #expired "超出有效期" "The item's validity window has run out"
* #consent-denied "患者不同意共享" "The patient's sharing consent does not allow it"

ValueSet: YilianRecognitionReasons
Id: yilian-recognition-reason
Title: "互认核验结论 Recognition reasons"
Description: "All recognition reasons."
* include codes from system YilianRecognitionReason

// ---------- Search parameters ----------

Instance: organization-qc-status
InstanceOf: SearchParameter
Usage: #definition
Title: "质控结果 QC standing (qc-status)"
* url = "https://yilian.health/fhir/SearchParameter/organization-qc-status"
* name = "qc-status"
* status = #active
* description = "The standing of an organisation's quality-control qualifications (passed, failed, suspended). Members whose lab or imaging department failed QC, for the lead (000 art.11.3): Organization?_has:Organization:partof:qc-status=failed&_has:OrganizationAffiliation:participating-organization:network=Organization/{alliance}"
* code = #qc-status
* base = #Organization
* type = #token
* expression = "Organization.extension('http://hl7.org/fhir/5.0/StructureDefinition/extension-Organization.qualification').extension('https://yilian.health/fhir/StructureDefinition/yilian-qc-status').value"

Instance: servicerequest-referral-direction
InstanceOf: SearchParameter
Usage: #definition
Title: "转诊方向 Referral direction (direction)"
* url = "https://yilian.health/fhir/SearchParameter/servicerequest-referral-direction"
* name = "direction"
* status = #active
* description = "Direction of a referral (up, down, lateral). Indicators 16 and 17 (004): ServiceRequest?direction=up&requester=Organization/{member}&authored=ge2026-01-01&authored=lt2027-01-01&_summary=count"
* code = #direction
* base = #ServiceRequest
* type = #token
* expression = "ServiceRequest.category.coding.where(system = 'https://yilian.health/fhir/CodeSystem/yilian-referral-direction')"

Instance: servicerequest-referral-channel
InstanceOf: SearchParameter
Usage: #definition
Title: "转诊通道 Referral channel (channel)"
* url = "https://yilian.health/fhir/SearchParameter/servicerequest-referral-channel"
* name = "channel"
* status = #active
* description = "Channel of a referral (green, standard): ServiceRequest?channel=green&performer=Organization/{receiver}&status=active"
* code = #channel
* base = #ServiceRequest
* type = #token
* expression = "ServiceRequest.category.coding.where(system = 'https://yilian.health/fhir/CodeSystem/yilian-referral-channel')"

Instance: diagnosticreport-qc-standing
InstanceOf: SearchParameter
Usage: #definition
Title: "出具时质控结果 QC standing at issue (qc-standing)"
* url = "https://yilian.health/fhir/SearchParameter/diagnosticreport-qc-standing"
* name = "qc-standing"
* status = #active
* description = "The performer's QC standing for the report's item on the report's date, stamped by the server on write (passed, failed, suspended). Auditors: DiagnosticReport?qc-standing=failed&date=ge2026-01-01&performer=Organization/{lab}"
* code = #qc-standing
* base = #DiagnosticReport
* type = #token
* expression = "DiagnosticReport.extension('https://yilian.health/fhir/StructureDefinition/yilian-qc-standing').value"
