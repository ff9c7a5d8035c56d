#!/usr/bin/env python3
"""Writes ig/pages/: one readable page per profile, in Chinese and English, from the generated
StructureDefinitions (what a sender must fill, what the server checks) and the guide's examples.
Run by ig/build; the pages are committed beside the sources."""
import json
import pathlib
import sys

# usage: pages.py PROFILES_DIR EXAMPLES_DIR OUT_DIR
profiles = sorted(pathlib.Path(sys.argv[1]).glob("StructureDefinition-*.json"))
examples = sorted(pathlib.Path(sys.argv[2]).glob("*.json"))
out = pathlib.Path(sys.argv[3])
out.mkdir(parents=True, exist_ok=True)


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def describe_binding(element):
    binding = element.get("binding")
    if not binding:
        return ""
    return f"{binding.get('strength')} → `{binding.get('valueSet', '').split('/')[-1]}`"


index = ["# Yilian 医联体 profiles · 配置文件\n",
         "Every write of these types is validated by the server against the profile its type requires "
         "(422 with one OperationOutcome issue per error). 服务器对下列类型的每次写入按对应配置文件校验，"
         "不符合时返回 422 及逐条错误。\n",
         "| Profile 配置文件 | Type 资源类型 | |", "|---|---|---|"]
for path in profiles:
    sd = load(path)
    if sd.get("type") == "Extension":
        continue
    pid, title, rtype = sd["id"], sd.get("title", sd["name"]), sd["type"]
    index.append(f"| [{title}]({pid}.md) | {rtype} | {sd.get('description', '')} |")
    lines = [f"# {title}\n", f"`{sd['url']}` · based on {rtype} · {sd.get('version', '')}\n",
             sd.get("description", "") + "\n",
             "## 发送方必须填写 · What a sender must fill\n",
             "| Element 元素 | Card. 基数 | Meaning 含义 | Binding or fixed value 绑定或固定值 |", "|---|---|---|---|"]
    checks = []
    for el in sd.get("differential", {}).get("element", []):
        path_ = el.get("id", el["path"])
        fixed = next((f"`{json.dumps(v, ensure_ascii=False)}`" for k, v in el.items()
                      if k.startswith("fixed") or k.startswith("pattern")), "")
        card = f"{el.get('min', '·')}..{el.get('max', '·')}"  # · : as in the base resource
        must = el.get("min", 0) >= 1 or el.get("mustSupport") or fixed or el.get("binding")
        if must and path_ != rtype:
            lines.append(f"| `{path_}` | {card} | {el.get('short', '')} | {describe_binding(el) or fixed} |")
        for c in el.get("constraint", []):
            checks.append(f"- **{c['key']}** ({path_}): {c['human']}  \n  `{c.get('expression', '')}`")
    lines += ["\n## 服务器校验 · What the server checks\n",
              "- 上表的基数、固定值和必需绑定 · the cardinalities, fixed values and required bindings above;",
              "- FHIR R4 基础规则 · the base FHIR R4 rules;"]
    lines += checks or ["- (no further invariants)"]
    lines.append("\n## 示例 · Example\n")
    for ex in examples:
        resource = load(ex)
        if sd["url"] in resource.get("meta", {}).get("profile", []):
            lines.append(f"[`{ex.name}`](../examples/{ex.name})\n")
            lines.append("```json\n" + json.dumps(resource, ensure_ascii=False, indent=2) + "\n```\n")
            break
    (out / f"{pid}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
(out / "README.md").write_text("\n".join(index) + "\n", encoding="utf-8")
