"""Tables flattened to text (one cell per line, or one row per line with tabs or |) → records.

A table starts at a 序号 header cell; the header names the columns (工作任务, 牵头单位, 配合单位,
完成时限 …). A row starts at the cell holding the next number, so numbering may restart in each
table (task ids are then ``表2-1``). A row with more cells than columns has a title cell before its
text (建设创新园区 / 推动创新园区二期建设…); a row with fewer is read as far as it goes and reported.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..reading import (LABEL_RE, SECTION_RE, SUBSECTION_RE, Claim, PlanSyntaxError, PlanText, Problem, Section, Task,
                       chinese_number)
from .common import LineIndex, split_names, take_marked

NUMBER_RE = re.compile(r"^[0-9０-９]{1,3}$")
PART_RE = re.compile(r"^第[一二三四五六七八九十]{1,3}(?:部分|章|篇)")  # a heading of the stream layouts


@dataclass
class Cell:
    text: str
    line: int
    start: int
    end: int


@dataclass
class Row:
    number: Cell
    cells: list[Cell] = field(default_factory=list)


def cells(text: str) -> list[Cell]:
    """Non-empty cells in order: a line is one cell, unless tabs or | split it into several."""
    out, offset = [], 0
    for no, raw in enumerate(text.splitlines(keepends=True), start=1):
        body = raw.rstrip("\r\n")
        if not body.strip():  # a blank line, whatever spaces or tabs it holds, is no cell
            offset += len(raw)
            continue
        piped = body.lstrip().startswith("|")
        parts = re.split(r"\t|\|", body) if ("\t" in body or piped) else [body]
        if piped and re.fullmatch(r"[-:|\s]+", body):
            parts = []  # the |---|---| rule under a Markdown header
        pos, row = offset, []
        for part in parts:
            stripped = part.strip()
            s = pos + len(part) - len(part.lstrip())
            row.append(Cell(stripped, no, s, s + len(stripped)))
            pos += len(part) + 1
        if piped:
            row = row[1:-1] if len(row) > 1 else row  # the empty ends outside | a | b |
        # A row of several cells keeps its empty ones (a column with nothing in it);
        # one cell per line cannot show an empty cell, so blank lines are skipped.
        out += row if len(row) > 1 else [c for c in row if c.text]
        offset += len(raw)
    return out


def header_at(cs: list[Cell], i: int) -> list[str] | None:
    """The column names if a table header starts at cell i (序号, then names up to a 单位/部门 column)."""
    if cs[i].text != "序号":
        return None
    names = []
    for c in cs[i + 1:i + 9]:
        if NUMBER_RE.match(c.text) or (names and c.line != cs[i].line and cs[i + 1].line == cs[i].line):
            break
        names.append(c.text)
    return names if any("单位" in n or "部门" in n for n in names) else None


def role(column: str) -> str:
    if "领导" in column or column == "责任人":
        return "official"
    if "牵头" in column or "主办" in column:
        return "lead"
    if any(w in column for w in ("时限", "时间", "节点", "备注")):
        return "other"
    if "单位" in column or "部门" in column:
        return "responsible"
    return "text"


def find_table(text: str) -> int | None:
    """Line of the first table header, if the text holds a flattened table."""
    cs = cells(text)
    return next((c.line for i, c in enumerate(cs) if header_at(cs, i)), None)


def read(path: str, text: str, layout: str = "table") -> PlanText:
    index = LineIndex(text)
    cs = cells(text)
    sections: list[Section] = []
    tasks: list[Task] = []
    problems: list[Problem] = []
    claims: list[Claim] = []  # each cell read, with its row, header or heading (plankg.layouts.account)
    columns: list[str] | None = None
    table, row, expected, body = 0, None, 1, None
    rows: list[tuple[int, int, Row]] = []  # (table, its number of columns, row)
    i = 0
    while i < len(cs):
        c = cs[i]
        if (head := header_at(cs, i)) is not None:
            tasks += _row(row, columns, table, sections, index, problems)
            row, columns, table, expected = None, head, table + 1, 1
            body = body if body is not None else (sections[-1].line if sections else c.line)
            claims += [Claim(h.start, h.end, f"table header (line {c.line})") for h in cs[i:i + 1 + len(head)]]
            problems += _header_problems(cs[i + 1:i + 1 + len(head)], table)
            i += 1 + len(head)
            continue
        if m := SECTION_RE.match(c.text):
            tasks += _row(row, columns, table, sections, index, problems)
            row = None
            sections.append(Section(chinese_number(m["num"]), m["num"], m["title"].strip(), c.text, c.line,
                                    c.start, c.end))
            claims.append(Claim(c.start, c.end, f"section {m['num']} (line {c.line})"))
        elif columns is not None and NUMBER_RE.match(c.text) and _number(c.text) == expected:
            tasks += _row(row, columns, table, sections, index, problems)
            row, expected = Row(c), expected + 1
            rows.append((table, len(columns), row))
            claims.append(Claim(c.start, c.end, f"row {table}-{c.text} (line {c.line})"))
        elif row is not None:
            row.cells.append(c)
            if SUBSECTION_RE.match(c.text) or PART_RE.match(c.text) or LABEL_RE.match(c.text):
                what = "a field with its label" if LABEL_RE.match(c.text) else "a heading"
                problems.append(Problem(c.line, f"{c.text[:30]!r} in row 表{table}-{_number(row.number.text)} looks "
                                                f"like {what}, not a cell (read as a cell)"))
            claims.append(Claim(c.start, c.end, f"row {table}-{row.number.text} (line {row.number.line})"))
        elif body is not None:
            problems.append(Problem(c.line, f"not read: {c.text[:30]!r} (outside any table row)"))
        i += 1
    tasks += _row(row, columns, table, sections, index, problems)
    problems += _uneven_rows(rows)
    if not tasks:
        raise PlanSyntaxError(path, None, "found no tasks: no table with a 序号 header followed by numbered rows")
    sections = [s for s in sections if s.line >= (body or 1)]
    start = index.starts[(body or 1) - 1]
    claims = ([Claim(0, start, "preamble")] if start else []) + [c for c in claims if c.start >= start]
    return PlanText(path, text, sections, [], tasks, (body or 1) - 1, layout=layout, problems=problems,
                    claims=claims)


def _header_problems(names: list[Cell], table: int) -> list[Problem]:
    """Header cells no column is named so: a field label with its colon, a heading, or one of two
    columns for the task's text (only one holds it: one of them is not a column)."""
    out = []
    texts = [c for c in names if role(c.text) == "text"]
    for c in names:
        if ":" in c.text or "：" in c.text or SECTION_RE.match(c.text) or SUBSECTION_RE.match(c.text):
            out.append(Problem(c.line, f"{c.text[:30]!r} in the header of table {table} is not a column name "
                                       "(a field or a heading: the columns that follow are shifted)"))
        elif len(texts) > 1 and c in texts:
            out.append(Problem(c.line, f"{c.text[:30]!r} in the header of table {table} is one of "
                                       f"{len(texts)} columns for the task's text; only one can hold it "
                                       "(the columns that follow are shifted)"))
    return out


def _uneven_rows(rows: list[tuple[int, int, Row]]) -> list[Problem]:
    """A row with a cell too many: more than the columns and a title, more than the other rows of
    its table have (the count most of them have; on a tie, the smaller), or a title where another
    row has none (titles are a column of the whole table). Which cell is extra
    cannot be told, so each line of the row is named (its cells may be read in the wrong columns)."""
    out = []
    for table, width, r in rows:
        counts = Counter(len(o.cells) for t, _, o in rows if t == table)
        usual = min(counts, key=lambda n: (-counts[n], n))
        untitled = min(counts) <= width  # a row with no title cell: then no row has one
        if 0 < len(r.cells) < width:  # the row's number line says so; its cells may be anything
            for line in dict.fromkeys(c.line for c in r.cells if c.line != r.number.line):
                out.append(Problem(line, f"row 表{table}-{_number(r.number.text)} has {len(r.cells)} cell(s) for "
                                         f"{width} columns: its cells may be read in the wrong columns"))
        elif len(r.cells) > width + 1 or len(r.cells) > usual or (len(r.cells) == width + 1 and untitled):
            why = f"the other rows of table {table} have {usual}" if len(r.cells) > usual else \
                f"{width} columns and a title" if len(r.cells) > width + 1 else \
                f"{width} columns and another row of table {table} has no title cell"
            for line in dict.fromkeys(c.line for c in r.cells):
                out.append(Problem(line, f"row 表{table}-{_number(r.number.text)} has {len(r.cells)} cells where "
                                         f"{why}: a cell is extra, and its cells may be read in the wrong columns"))
    return out


def _number(s: str) -> int:
    return int(s.translate(str.maketrans("０１２３４５６７８９", "0123456789")))


def _row(row: Row | None, columns: list[str] | None, table: int, sections: list[Section],
         index: LineIndex, problems: list[Problem]) -> list[Task]:
    if row is None or columns is None:
        return []
    roles = [role(c) for c in columns]
    cells_, n = row.cells, row.number
    number = _number(n.text)
    tid = f"表{table}-{number}"
    if len(cells_) < len(roles):
        problems.append(Problem(n.line, f"row {tid} has {len(cells_)} cell(s) for {len(roles)} columns "
                                        f"({'/'.join(columns)}); the missing ones are read as empty"))
    by_role: dict[str, list[Cell]] = {}
    extra = max(0, len(cells_) - len(roles))
    text_col = roles.index("text") if "text" in roles else None
    k = 0
    for j, r in enumerate(roles):
        take = 1 + (extra if j == text_col else 0)
        by_role.setdefault(r, []).extend(cells_[k:k + take])
        k += take
    if extra and text_col is None:
        problems.append(Problem(n.line, f"row {tid} has {len(cells_)} cells for {len(roles)} columns; "
                                        "the extra cells are not read"))
    text_cells = by_role.get("text", [])
    title = text_cells[0].text if len(text_cells) > 1 else None
    body = text_cells[1:] if title else text_cells
    start, end = (body[0].start, body[-1].end) if body else (n.end, n.end)
    section = sections[-1].number if sections else 0
    task = Task(number, n.text, index.text[start:end], n.line, start, end, section, None,
                id=tid, scope=(f"t{table}",), title=title)
    for r, target in (("lead", "lead"), ("responsible", "responsible")):
        for c in by_role.get(r, []):
            names = split_names(index.text, c.start, c.end, index)
            problems.extend(names.problems)
            if target == "lead":
                task.lead += names.refs
                task.lead_open = task.lead_open or names.is_open
                task.lead_line = task.lead_line or c.line
            else:
                take_marked(task, names)
                task.responsible_open = task.responsible_open or names.is_open
                task.responsible_line = task.responsible_line or c.line
    for c in by_role.get("official", []):
        task.officials += [r.name for r in split_names(index.text, c.start, c.end, index).refs]
    return [task]
