Alias: $loinc = http://loinc.org
Alias: $sct = http://snomed.info/sct
Alias: $ucum = http://unitsofmeasure.org
Alias: $icd10 = http://hl7.org/fhir/sid/icd-10
Alias: $v2-0074 = http://terminology.hl7.org/CodeSystem/v2-0074
Alias: $v2-0203 = http://terminology.hl7.org/CodeSystem/v2-0203
Alias: $obs-category = http://terminology.hl7.org/CodeSystem/observation-category
Alias: $consentscope = http://terminology.hl7.org/CodeSystem/consentscope
Alias: $v3-ActCode = http://terminology.hl7.org/CodeSystem/v3-ActCode

// Identifier systems declared by the guide (see the Patient and Organization profiles).
Alias: $uscc = https://yilian.health/fhir/sid/uscc
Alias: $licence = https://yilian.health/fhir/sid/practice-licence
Alias: $resident-id = https://yilian.health/fhir/sid/resident-id
Alias: $mrn = https://yilian.health/fhir/sid/mrn
Alias: $membership-id = https://yilian.health/fhir/sid/membership
Alias: $department = https://yilian.health/fhir/sid/department

Alias: $qualification = http://hl7.org/fhir/5.0/StructureDefinition/extension-Organization.qualification
