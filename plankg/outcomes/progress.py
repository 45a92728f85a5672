"""Task progress reports (重点工作任务推进情况, 督查通报): each task's status, as written.

A line about one task opens with the task's number and says its status in one of the words of
data/outcome-words.toml [progress] (已完成, 序时推进, 滞后, 未启动 …). A line naming a number the
plan has no task for, or two different statuses, is not read, and says why. A bare number (62.)
may be the report's own row number, so it is taken as the task's only when the line shares a run
of at least six characters with that task's text; 第62项 and 任务62 name the task outright.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .reading import Document
from .words import longest_first, words


@dataclass(frozen=True)
class Status:
    line: int
    task: str
    written: str
    status: str  # completed, on-schedule, lagging, not-started
    text: str


SHARED = 6  # characters a bare-numbered line must share with the task's text


def _shares_text(line: str, text: str) -> bool:
    return any(line[i:i + SHARED] in text for i in range(len(line) - SHARED + 1))


def read_statuses(doc: Document, tasks: dict[str, str]) -> tuple[list[Status], list[tuple[int, str, str]]]:
    """``tasks`` maps each task number of the plan to its text."""
    """(statuses, (line, text, why not read) for each task line that could not be read)."""
    w = words()["progress"]
    number = re.compile(w["task_number"])
    table = w["statuses"]
    out, unread = [], []
    for no, line in enumerate(doc.lines, start=1):
        m = None if no in doc.skipped else number.match(line)
        if not m:
            continue
        task = next(g for g in m.groups() if g)
        found, taken = [], set()
        for word in longest_first(table):
            for hit in re.finditer(re.escape(word), line):
                span = set(range(*hit.span()))
                if not span & taken:
                    taken |= span
                    found.append((hit.start(), word))
        kinds = {table[wd] for _, wd in found}
        if not found:
            continue  # a line about the task that states no status
        if len(kinds) > 1:
            unread.append((no, line.strip(), f"two statuses ({'、'.join(wd for _, wd in sorted(found))})"))
        elif task not in tasks:
            unread.append((no, line.strip(), f"the plan has no task {task}"))
        elif m.group(3) and not _shares_text(line[m.end():], tasks[task]):
            unread.append((no, line.strip(), f"{task}. may be the report's row number: the line shares no "
                                             f"{SHARED} characters with task {task}'s text"))
        else:
            out.append(Status(no, task, sorted(found)[-1][1], kinds.pop(), line.strip()))
    return out, unread
