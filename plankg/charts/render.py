"""Draw a built chart to SVG or PNG without a browser: vl-convert runs the same Vega and
Vega-Lite versions as the pages (server/frontend/package.json pins them to match).

In SVG, labels stay ``<text>`` elements (searchable, selectable): vl-convert writes text as text
unless told to outline it, and we never ask. In PNG the text is drawn with the system's fonts;
the Chinese needs a CJK font (theme.json names Noto Sans CJK SC, Debian's fonts-noto-cjk), and
without one the labels come out as empty boxes: :func:`cjk_font_missing` says so first.
"""
from __future__ import annotations

import shutil
import subprocess

VEGA_LITE = "6.4"


def _vlc():
    import vl_convert

    return vl_convert


def svg(spec: dict, grammar: str) -> str:
    vlc = _vlc()
    if grammar == "vega":
        return vlc.vega_to_svg(spec)
    return vlc.vegalite_to_svg(spec, **_version(vlc))


def png(spec: dict, grammar: str, scale: float = 2) -> bytes:
    vlc = _vlc()
    if grammar == "vega":
        return vlc.vega_to_png(spec, scale=scale)
    return vlc.vegalite_to_png(spec, scale=scale, **_version(vlc))


def _version(vlc) -> dict:
    """The Vega-Lite version the pages run, while this vl-convert still has it (else its default)."""
    return {"vl_version": VEGA_LITE} if VEGA_LITE in vlc.get_vegalite_versions() else {}


def cjk_font_missing() -> str | None:
    """Why Chinese labels would not render, or None: asks fontconfig for a font that covers Chinese."""
    if not shutil.which("fc-list"):
        return None  # no fontconfig to ask (not Debian): trust the system
    found = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout.strip()
    if found:
        return None
    return "no font with Chinese glyphs is installed: install Debian's fonts-noto-cjk (apt-get install fonts-noto-cjk)"
