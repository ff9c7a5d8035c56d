package health.yilian.guide;

import ca.uhn.fhir.validation.SingleValidationMessage;

/**
 * Chinese wording of validation findings for {@code Accept-Language: zh-CN}. The FHIR validator ships no Chinese
 * messages; the guide's own rules already carry Chinese text (each invariant is written "中文 / English"), so what
 * needs wording here is the validator's structural findings, keyed by its message id. Anything not listed keeps the
 * English text after a Chinese lead-in, so no finding is ever lost in translation.
 */
final class ChineseValidationMessages {

	private ChineseValidationMessages() {}

	static String translate(SingleValidationMessage finding) {
		String where = finding.getLocationString();
		String english = finding.getMessage();
		String id = finding.getMessageId() == null ? "" : finding.getMessageId();
		String chinese = switch (id) {
			case "Validation_VAL_Profile_Minimum" -> "元素数量不足";
			case "Validation_VAL_Profile_Maximum" -> "元素数量超出上限";
			case "Terminology_TX_NoValid_1_CC", "Terminology_TX_NoValid_17", "Terminology_TX_NoValid_16",
					"Terminology_TX_NoValid_2_CC", "Terminology_TX_NoValid_3_CC" -> "编码不在规定的值集中";
			case "Terminology_PassThrough_TX_Message", "TX_GENERAL_CC_ERROR_MESSAGE" -> "编码校验未通过";
			case "Profile_VAL_NotAllowed" -> "该元素在此配置文件中不允许出现";
			case "Extension_EXT_Unknown", "Extension_EXT_Unknown_NotHere" -> "未知的扩展";
			case "Type_Specific_Checks_DT_Primitive_Regex", "Type_Specific_Checks_DT_String_Pattern" -> "取值格式不正确";
			case "Validation_VAL_Profile_NoMatch", "Validation_VAL_Profile_NotSlice" -> "与配置文件的切片不匹配";
			case "Reference_REF_BadTargetType" -> "引用的资源类型不允许";
			case "FIXED_TYPE_CHECKS_DT_VALUE", "FIXED_TYPE_CHECKS_DT_CODE_CHECKS",
					"Profile_VAL_MissingElement", "Validation_VAL_Fixed_Value" -> "取值与配置文件规定的固定值不符";
			default -> english.contains("Constraint failed") ? "违反规则" : "校验未通过";
		};
		return chinese + "（" + where + "）：" + english;
	}
}
