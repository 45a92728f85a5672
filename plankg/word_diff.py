"""A changed text as its changed words in context, marked as ``git diff --word-diff=plain`` does:
``…办优办精[-国际-]{+世界+}咖啡节…`` rather than the whole task text twice.

Chinese is compared character by character (a written word has no spaces around it); runs of
Latin letters and digits (5G, 2023, 1380) are compared whole, so a changed number reads as one.
"""
from __future__ import annotations

import re
from difflib import SequenceMatcher

_TOKEN = re.compile(r"[A-Za-z0-9.]+|\s+|.", re.S)
CONTEXT = 8  # characters of unchanged text shown on each side of a change


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def marked(old: str, new: str, context: int = CONTEXT) -> str:
    """The new text's changes against the old, each with ``context`` characters around it;
    the unchanged stretches between them are cut to ``…``."""
    a, b = tokens(old), tokens(new)
    parts: list[str] = []
    opcodes = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    for k, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op == "equal":
            same = "".join(a[i1:i2])
            head = same[:context] if k > 0 else ""
            tail = same[-context:] if k < len(opcodes) - 1 else ""
            if len(same) <= 2 * context and 0 < k < len(opcodes) - 1:
                parts.append(same)
            else:
                parts.append(head + ("…" if len(same) > len(head) + len(tail) else "") + tail)
            continue
        if op in ("delete", "replace"):
            parts.append(f"[-{''.join(a[i1:i2])}-]")
        if op in ("insert", "replace"):
            parts.append(f"{{+{''.join(b[j1:j2])}+}}")
    return "".join(parts)
