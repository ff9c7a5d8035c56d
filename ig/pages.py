#!/usr/bin/env python3
"""Writes ig/pages/: one readable page per profile, extension, code system and value set, in Chinese and
English, from the generated StructureDefinitions (what a sender must fill, the types and reference targets
allowed, what the server checks), the terminology and the guide's examples.
Run by ig/build; the pages are committed beside the sources and packed into the guide package (other/pages)."""
import json
import pathlib
import sys

# usage: pages.py PROFILES_DIR EXAMPLES_DIR OUT_DIR [TERMINOLOGY_DIR]
profiles = sorted(pathlib.Path(sys.argv[1]).glob("StructureDefinition-*.json"))
terminology = sorted(pathlib.Path(sys.argv[4]).glob("*.json")) if len(sys.argv) > 4 else []
examples = sorted(pathlib.Path(sys.argv[2]).glob("*.json"))
out = pathlib.Path(sys.argv[3])
out.mkdir(parents=True, exist_ok=True)


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def short(url):
    return url.split("/")[-1]


def describe_types(element):
    """The types an element allows, with the profiles and reference targets each is restricted to."""
    parts = []
    for t in element.get("type", []):
        text = t["code"]
        if t.get("targetProfile"):
            text += "(" + " | ".join(short(u) for u in t["targetProfile"]) + ")"
        if t.get("profile"):
            text += " {" + ", ".join(short(u) for u in t["profile"]) + "}"
        parts.append(text)
    return ", ".join(parts)


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
             "| Element 元素 | Card. 基数 | Type and targets 类型与引用目标 | Meaning 含义 | Binding or fixed value 绑定或固定值 |",
             "|---|---|---|---|---|"]
    checks = []
    for el in sd.get("differential", {}).get("element", []):
        path_ = el.get("id", el["path"])
        fixed = next((f"`{json.dumps(v, ensure_ascii=False)}`" for k, v in el.items()
                      if k.startswith("fixed") or k.startswith("pattern")), "")
        card = f"{el.get('min', '·')}..{el.get('max', '·')}"  # · : as in the base resource
        must = el.get("min", 0) >= 1 or el.get("mustSupport") or fixed or el.get("binding") or el.get("type")
        if must and path_ != rtype:
            lines.append(f"| `{path_}` | {card} | {describe_types(el)} | {el.get('short', '')} | {describe_binding(el) or fixed} |")
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

# Extensions: where they go, what they hold, what each means.
index += ["\n# Extensions · 扩展\n", "| Extension 扩展 | Context 使用位置 | Value 取值 | |", "|---|---|---|---|"]
for path in profiles:
    sd = load(path)
    if sd.get("type") != "Extension":
        continue
    pid, title = sd["id"], sd.get("title", sd["name"])
    context = ", ".join(c["expression"] for c in sd.get("context", []))
    elements = sd.get("differential", {}).get("element", [])
    values = [e for e in elements if e["path"].endswith("value[x]") and e.get("type")]
    value = "; ".join(f"`{e['id']}`: {describe_types(e)} {describe_binding(e)}".strip() for e in values) or "sub-extensions 子扩展"
    index.append(f"| [{title}]({pid}.md) | {context} | {value} | {sd.get('description', '')} |")
    lines = [f"# {title}\n", f"`{sd['url']}` · extension · {sd.get('version', '')}\n", sd.get("description", "") + "\n",
             f"**使用位置 Context:** {context}\n",
             "| Element 元素 | Card. 基数 | Type 类型 | Meaning 含义 | Binding 绑定 |", "|---|---|---|---|---|"]
    for el in elements:
        if el["path"] == "Extension" or el["path"].endswith(".url") and not el.get("fixedUri"):
            continue
        card = f"{el.get('min', '·')}..{el.get('max', '·')}"
        lines.append(f"| `{el.get('id', el['path'])}` | {card} | {describe_types(el)} | {el.get('short', '')} | {describe_binding(el)} |")
    users = [load(p)["id"] for p in profiles if sd["url"] in json.dumps(load(p).get("differential", {}))
             and load(p)["id"] != pid]
    if users:
        lines.append("\n**用于 Used by:** " + ", ".join(f"[{u}]({u}.md)" for u in users) + "\n")
    (out / f"{pid}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")

# Code systems and value sets: every code with its Chinese display and English meaning.
index += ["\n# Terminology · 术语\n", "| Code system or value set 代码系统或值集 | Kind 类型 | |", "|---|---|---|"]
for path in terminology:
    res = load(path)
    kind = res["resourceType"]
    if kind not in ("CodeSystem", "ValueSet"):
        continue
    rid, title = res["id"], res.get("title", res.get("name", res["id"]))
    page = f"{kind}-{rid}"
    index.append(f"| [{title}]({page}.md) | {kind} | {res.get('description', '')} |")
    lines = [f"# {title}\n", f"`{res['url']}` · {kind} · {res.get('version', '')}\n", res.get("description", "") + "\n"]
    if kind == "CodeSystem":
        props = [p["code"] for p in res.get("property", [])]
        for p in res.get("property", []):
            lines.append(f"- property `{p['code']}` ({p['type']}): {p.get('description', '')}")
        lines += ["", "| Code 代码 | 中文 | English | " + " | ".join(props) + (" |" if props else ""),
                  "|---|---|---|" + "---|" * len(props)]
        for c in res.get("concept", []):
            values = {p["code"]: next((str(v.get("code", v)) if isinstance(v, dict) else str(v) for k, v in p.items() if k.startswith("value")), "")
                      for p in c.get("property", [])}
            lines.append(f"| `{c['code']}` | {c.get('display', '')} | {c.get('definition', '')} | "
                         + " | ".join(values.get(p, "") for p in props) + (" |" if props else ""))
    else:
        for inc in res.get("compose", {}).get("include", []):
            system = inc.get("system", "")
            if inc.get("concept"):
                lines += [f"从 From `{system}`:", "", "| Code 代码 | Display 显示 | Validity days 有效期（天） |", "|---|---|---|"]
                for c in inc["concept"]:
                    days = next((str(e.get("valuePositiveInt")) for e in c.get("extension", []) if e["url"].endswith("yilian-validity-days")), "")
                    lines.append(f"| `{c['code']}` | {c.get('display', '')} | {days} |")
                lines.append("")
            elif inc.get("filter"):
                lines.append(f"- 从 `{system}` 中满足 where " + ", ".join(f"{f['property']} {f['op']} {f['value']}" for f in inc["filter"]))
            else:
                lines.append(f"- `{system}` 的全部代码 · every code of `{system}`")
    (out / f"{page}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")

index += ["\n# Feeds · 完整事务示例\n",
          "One whole transaction per feed kind, in the package's `example/` folder and in `ig/feeds/`; each is accepted as "
          "sent and, re-sent, changes nothing (every entry is conditional on the sender's own identifier). "
          "每类接口一个完整事务示例：逐条以发送方自己的标识符做条件写入，重发不会产生重复记录。\n",
          "- `Bundle-feed-lis-lab-push`: LIS 检验报告推送 — the patient by `PUT Patient?identifier={the hospital's MRN system}|…`, "
          "each Observation by `PUT Observation?identifier=…/sid/lis-result/{USCC}|…`, the report by `PUT DiagnosticReport?identifier=…`; "
          "entries refer to each other by `urn:uuid:`. A resend updates nothing (a LIS that POSTs Observations without "
          "identifiers duplicates them on every retry).",
          "- `Bundle-feed-pacs-imaging-report`: PACS/RIS 影像报告 — the patient, then the report by `PUT DiagnosticReport?identifier=…/sid/ris-report/{USCC}|…`.",
          "- `Bundle-feed-his-referral`: HIS 上转 — the patient by `POST` with `ifNoneExist` on the hospital's MRN, the "
          "ServiceRequest and its Task each by `PUT …?identifier=…`; the Task's `basedOn` and `focus` name the ServiceRequest's `urn:uuid:`."]
(out / "README.md").write_text("\n".join(index) + "\n", encoding="utf-8")
