"""Plan text → records: the entry point of reading, whatever the layout.

:func:`read_plan` reads a file (UTF-8), detects its layout and reads it with that layout's reader
(plankg.layouts); the records and what all readers share are in plankg.reading, re-exported here
for the modules that build on them. A line that cannot be read is a :class:`PlanSyntaxError`
naming file, line and the form expected (the strict ``lines`` layout), or a :class:`Problem` in
``PlanText.problems`` (the other layouts); nothing is guessed silently.
"""
from __future__ import annotations

from pathlib import Path

from . import layouts
from .reading import PlanSyntaxError, PlanText  # noqa: F401 (the errors and records callers catch and hold)


def read_plan(path: str | Path, text: str | None = None, layout: str | None = None) -> PlanText:
    """Read a plan text file (UTF-8) into records; raise PlanSyntaxError on unreadable input.

    The layout (see plankg.layouts) is detected unless given; the plan records which was used.
    """
    path = Path(path)
    if text is None:
        try:
            raw = path.read_bytes()
        except OSError as e:
            raise PlanSyntaxError(path, None, f"cannot read the file ({e.strerror})") from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            line = raw[: e.start].count(b"\n") + 1
            raise PlanSyntaxError(path, line, f"not UTF-8 text (byte {e.start}); save the plan as UTF-8") from None
    return layouts.read(str(path), text, layout)
