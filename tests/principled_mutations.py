"""Single-defect and valid variants of the bundled plan, derived from the principles (shapes/README.md).

Each defect kind is one way a principle's assertion can be wrong (P1 the text, P2 copies, P3 dates,
P4 figures, P5 responsibility, P6 structure), applied at several places of the plan, so a rule that
only knows one place fails. A defect names the place the finding must name (``task 161``,
``section 十``, ``preamble``). A valid edit is a change a steward makes on purpose; it must bring
no new finding. tests/test_principled_mutations.py judges them all in-process.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "data" / "source" / "yuzhong-2023-key-tasks.txt"
PLACES = (12, 20, 33, 47, 62, 90, 118, 135, 142, 150, 161)  # tasks spread over the sections


@dataclass(frozen=True)
class Variant:
    name: str
    principle: str   # P1 … P6
    kind: str
    text: str
    place: str | None = None  # a defect: the place a blocking finding must name


def _task_line(text: str, n: int) -> str:
    found = [line for line in text.split("\n") if line.startswith(f"{n}.")]
    assert len(found) == 1, n
    return found[0]


def _edit_task(text: str, n: int, edit) -> str | None:
    line = _task_line(text, n)
    body = line[len(f"{n}."):]
    new = edit(body)
    if new is None or new == body:
        return None
    return text.replace(line + "\n", f"{n}.{new}\n", 1)


def _mid(body: str, insert: str, after: str = ",") -> str | None:
    """``insert`` after the first ``after`` of the body (a comma: inside a sentence)."""
    i = body.find(after)
    return None if i < 0 else body[:i + 1] + insert + body[i + 1:]


def _first_cjk_pair(body: str) -> str | None:
    m = re.search(r"[\u4e00-\u9fff]{2}", body[2:])
    return m.group(0) if m else None


def _double_word(body: str) -> str | None:
    w = _first_cjk_pair(body)
    return None if w is None else body.replace(w, w + w, 1)


def _last_sentence_twice(body: str) -> str | None:
    sentences = [s for s in body.split("。") if len(re.sub(r"[^\u4e00-\u9fff]", "", s)) >= 8]
    return None if not sentences else body + sentences[0] + "。"


def _number(body: str, factor: str) -> str | None:
    m = re.search(r"(?<![0-9.])([0-9]+)(?=[栋家个名处条台套])", body)  # a count of whole things
    return None if m is None else body[:m.start()] + m.group(1) + factor + body[m.end():]


# kind → (principle, edit of a task's text, or None when the kind is not one of a task's text)
TASK_KINDS: dict = {
    "open quote without its close": ("P1", lambda b: _mid(b, "“")),
    "closing bracket without its opening": ("P1", lambda b: _mid(b, "）")),
    "closing half before the opening half": ("P1", lambda b: _mid(b, "》要求《")),
    "doubled comma": ("P1", lambda b: b.replace(",", ",,", 1) if "," in b else None),
    "doubled full stop": ("P1", lambda b: b.replace("。", "。。", 1) if b.count("。") > 1 else None),
    "enumeration comma before full stop": ("P1", lambda b: b[:-1] + "、。" if b.endswith("。") else None),
    "text starting with punctuation": ("P1", lambda b: "," + b),
    "empty brackets": ("P1", lambda b: _mid(b, "（）")),
    "full-width comma among half-width": ("P1", lambda b: b.replace(",", "，", 1) if b.count(",") >= 2 else None),
    "full-width digit among half-width": ("P1", lambda b: re.sub(r"[0-9]", lambda m: chr(ord(m.group(0)) + 0xFEE0), b, count=1)
                                           if re.search(r"[0-9].*[0-9]", b) else None),
    "straight quote among curly ones": ("P1", lambda b: b.replace("“", '"', 1) if "“" in b else None),
    "replacement character": ("P1", lambda b: _mid(b, "\ufffd")),
    "control character": ("P1", lambda b: _mid(b, "\x07")),
    "zero-width space": ("P1", lambda b: _mid(b, "\u200b")),
    "mojibake 锟斤拷": ("P1", lambda b: _mid(b, "锟斤拷")),
    "latin-1 mojibake": ("P1", lambda b: _mid(b, "Ã©")),
    "stray ASCII symbol": ("P1", lambda b: _mid(b, "#")),
    "question mark for a lost character": ("P1", lambda b: _mid(b, "?")),
    "space between Chinese characters": ("P1", lambda b: _mid(b, " ", after=_first_cjk_pair(b)[0]) if _first_cjk_pair(b) else None),
    "kana in a Chinese text": ("P1", lambda b: _mid(b, "の")),
    "word written twice": ("P1", _double_word),
    "function word doubled": ("P1", lambda b: _mid(b, "的的")),
    "text cut to a stub": ("P1", lambda b: "推进。"),
    "sentence cut short": ("P1", lambda b: b[:-6] if b.endswith("。") and len(b) > 12 else None),
    "sentence pasted twice": ("P2", _last_sentence_twice),
    "past deadline (年底前)": ("P3", lambda b: "力争" + "2022年底前" + b),
    "past deadline (到…年)": ("P3", lambda b: _mid(b, "到2021年")),
    "年内 with a later year": ("P3", lambda b: "年内完成2024年的" + b),
    "month thirteen": ("P3", lambda b: "力争" + "13月底前" + b),
    "day thirty-one of June": ("P3", lambda b: "力争" + "6月31日前" + b),
    "fifth quarter": ("P3", lambda b: "第五季度" + b),
    "implausible year": ("P3", lambda b: "力争" + "2203年前" + b),
    "fractional count": ("P4", lambda b: _number(b, ".5")),
    "people beyond the resident population": ("P4", lambda b: b[:-1] + ",城镇新增就业人数400万人以上。" if b.endswith("。") else None),
    "money beyond the economy": ("P4", lambda b: b[:-1] + ",完成投资90000亿元。" if b.endswith("。") else None),
    "area beyond the district": ("P4", lambda b: b[:-1] + ",改造老旧小区9000万平方米。" if b.endswith("。") else None),
    "fall of more than 100%": ("P4", lambda b: b[:-1] + ",能耗下降150%。" if b.endswith("。") else None),
    "share above 100%": ("P4", lambda b: b[:-1] + ",普惠性幼儿园覆盖率达120%。" if b.endswith("。") else None),
    "percent without its number": ("P4", lambda b: b[:-1] + ",增长%左右。" if b.endswith("。") else None),
}


def _unit_line(text: str, n: int, field: str) -> str | None:
    m = re.search(rf"\n{n}\.[^\n]*\n(?:(?:牵头单位|责任单位):[^\n]*\n)*", text)
    block = m.group(0)
    found = re.search(rf"\n{field}:[^\n]*", block)
    return None if found is None else found.group(0)


def _edit_field(text: str, n: int, field: str, new: str) -> str | None:
    old = _unit_line(text, n, field)
    if old is None:
        return None
    m = re.search(rf"\n{n}\.[^\n]*\n(?:(?:牵头单位|责任单位):[^\n]*\n)*", text)
    block = m.group(0)
    return text.replace(block, block.replace(old, f"\n{field}:{new}", 1), 1)


def _has_target(text: str, n: int) -> bool:
    return bool(re.search(r"[0-9]+(\.[0-9]+)?[万亿]?(%|栋|家|个|名|人|处|条|台|套|户|亿元|万元|平方米|公里|天)", _task_line(text, n)))


def defects(text: str | None = None, per_kind: int = 3) -> list[Variant]:
    t = text if text is not None else SOURCE.read_text(encoding="utf-8")
    out: list[Variant] = []
    for kind, (principle, edit) in TASK_KINDS.items():
        made = 0
        for n in PLACES:
            new = _edit_task(t, n, edit)
            if new is not None:
                out.append(Variant(f"{kind} @ task {n}", principle, kind, new, f"task {n}"))
                made += 1
            if made == per_kind:
                break
    # P2 copies of whole tasks, appended after the last one with the declared count raised
    last = 171
    for n in (168, 62, 150):
        line = _task_line(t, n)
        units = re.search(rf"\n{n}\.[^\n]*\n((?:(?:牵头单位|责任单位):[^\n]*\n)*)", t).group(1)
        copy = t.rstrip("\n") + f"\n{last + 1}.{line[len(f'{n}.'):]}\n{units}"
        copy = copy.replace("共细分出171项", "共细分出172项", 1)
        out.append(Variant(f"task {n} copied as 172", "P2", "task copied word for word", copy, "task 172"))
        near = re.sub(r"[0-9]+", lambda m: str(int(m.group(0)) + 1), line[len(f"{n}."):], count=1)
        # a near copy is looked for within a section (plansh:TaskNotACopy); 62's lies in another one
        if near != line[len(f"{n}."):] and n != 62:
            near_copy = copy.replace(f"\n{last + 1}.{line[len(f'{n}.'):]}", f"\n{last + 1}.{near}", 1)
            out.append(Variant(f"task {n} near-copied as 172", "P2", "task copied with a figure changed", near_copy,
                               "task 172"))
    # P2 a target stated again in another task
    for n, phrase in ((90, "新增市场主体1.4万户以上"), (12, "空气质量优良天数达305天左右"), (118, "整治住宅老旧电梯30台")):
        new = _edit_task(t, n, lambda b, p=phrase: b[:-1] + "," + p + "。")
        out.append(Variant(f"target “{phrase}” again in task {n}", "P2", "target stated twice", new, f"task {n}"))
    # P2 a heading that repeats another's title
    for old, new_title, place in (("十、着力兜底线", "十、全面加强政府自身建设", "section 十二"),
                                  ("十一、着力防风险", "十一、全面加强政府自身建设", "section 十二"),
                                  ("(三)全方位做靓", "(三)大力度刺激恢复扩大消费", "sub-section 二（三）")):
        line = next(x for x in t.split("\n") if x.startswith(old))
        out.append(Variant(f"heading {old[:3]} repeats a title", "P2", "heading title repeated",
                           t.replace(line, new_title, 1), place))
    # P5 responsibility
    for n in (161, 150, 33):
        out.append(Variant(f"task {n} led only by 各街道", "P5", "target led only by a collective",
                           _edit_field(t, n, "牵头单位", "各街道"), f"task {n}"))
        out.append(Variant(f"task {n} led by a unit of another district", "P5", "lead of another district",
                           _edit_field(t, n, "牵头单位", "江北区应急局"), f"task {n}"))
        out.append(Variant(f"task {n} lead misspelt", "P5", "lead not in the registry",
                           _edit_field(t, n, "牵头单位", "区应急居"), f"task {n}"))
    # P6 structure and counts
    for n in (20, 90, 150):
        out.append(Variant(f"task {n + 1} numbered {n}", "P6", "task number repeated",
                           t.replace(f"\n{n + 1}.", f"\n{n}.", 1), f"task {n}"))
        out.append(Variant(f"task {n} numbered {n + 200}", "P6", "task number out of sequence",
                           t.replace(f"\n{n}.", f"\n{n + 200}.", 1), f"task {n + 200}"))
    for declared in ("170", "175", "一百七十"):
        out.append(Variant(f"declared count {declared}", "P6", "declared count wrong",
                           t.replace("共细分出171项", f"共细分出{declared}项", 1), "preamble"))
    return [v for v in out if v.text is not None and v.text != t]


def valid_edits(text: str | None = None) -> list[Variant]:
    """Edits a steward makes on purpose: none may bring a new finding."""
    t = text if text is not None else SOURCE.read_text(encoding="utf-8")
    out: list[Variant] = []
    for n in (12, 20, 33, 47, 90, 118, 135, 142, 150, 161):
        out.append(Variant(f"task {n} reworded (扎实 first)", "-", "reworded", _edit_task(t, n, lambda b: "扎实" + b)))
    for n in (20, 47, 90, 118, 161):
        out.append(Variant(f"task {n} gains a future deadline", "-", "future deadline",
                           _edit_task(t, n, lambda b: "力争" + "2024年底前" + b)))
    for n in (12, 33, 135):
        out.append(Variant(f"task {n} gains a balanced quotation", "-", "quotation",
                           _edit_task(t, n, lambda b: "围绕“一区两中心”," + b)))
    for n in (20, 118, 142):
        out.append(Variant(f"task {n} mentions a year of history", "-", "history",
                           _edit_task(t, n, lambda b: "传承1891年开埠以来的商贸传统," + b)))
    for n in (33, 150, 161):
        out.append(Variant(f"task {n}'s count raised", "-", "figure changed", _edit_task(t, n, lambda b: _number(b, "0"))))
    for n, field in ((2, "责任单位"), (21, "责任单位"), (33, "责任单位")):
        old = _unit_line(t, n, field)
        if old is not None and "、" in old:
            listed = old.split(":", 1)[1]
            tail = "等" if listed.endswith("等") else ""
            names = listed.removesuffix("等").split("、")
            out.append(Variant(f"task {n}'s {field} reordered", "-", "units reordered",
                               _edit_field(t, n, field, "、".join(reversed(names)) + tail)))
    for n in (90, 135, 150):
        out.append(Variant(f"task {n} within the year", "-", "within the year", _edit_task(t, n, lambda b: "年内" + b)))
    appended = t.rstrip("\n") + "\n172.持续深化政务公开,提升政府网站集约化水平。\n牵头单位:区政务服务办\n"
    out.append(Variant("task 172 added with the count raised", "-", "task added",
                       appended.replace("共细分出171项", "共细分出172项", 1)))
    out.append(Variant("preamble reworded", "-", "preamble", t.replace("共细分出171项", "共细分出171项", 1).replace(
        "。", "。", 1)))
    return [v for v in out if v.text is not None and v.text != t]
