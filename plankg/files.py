"""Writing a file so that a reader sees the old content or the new, never a mix.

Every file plankg writes that something else reads (built graphs, versions, the history whose
rename is a commit, reports, cache files) goes through :func:`atomic_write`.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomic_write(target: Path, data: str) -> None:
    """Write ``data`` to ``target`` so that readers see the old file or the new one, never a mix."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; built files are for everyone to read
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def stamp(path: Path) -> str:
    """Size and modification time: changes whenever the file is replaced (every commit renames it)."""
    st = path.stat()
    return f"{st.st_size}:{st.st_mtime_ns}"
