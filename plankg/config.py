"""Configuration in one place: the IRI base, where data lives, and what the bundled plan is.

Every setting has a default here, can be set by a ``PLANKG_*`` environment variable, and is
overridden by a CLI flag where one exists.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_BASE = "https://w3id.org/plankg/"
PACKAGE_DIR = Path(__file__).resolve().parent


def _default_data_dir() -> Path:
    # In a checkout or an editable install, plankg/data links to the repository's data/.
    return (PACKAGE_DIR / "data").resolve()


def user_dir(kind: str) -> Path:
    """The per-user folder for ``kind`` ("data" or "cache"), as the XDG base directories say:
    $XDG_DATA_HOME/plankg (default ~/.local/share/plankg), $XDG_CACHE_HOME/plankg (~/.cache/plankg)."""
    variable, default = {"data": ("XDG_DATA_HOME", ".local/share"), "cache": ("XDG_CACHE_HOME", ".cache")}[kind]
    root = os.environ.get(variable)
    return (Path(root) if root and Path(root).is_absolute() else Path.home() / default) / "plankg"


def _writable_home(data_dir: Path) -> Path:
    """Where built graphs and the state folder go by default: under the data folder when it is a
    folder of one's own (a clone's data/, or PLANKG_DATA_DIR), under the per-user data folder when
    the data folder is the installed package's copy (never into site-packages)."""
    return user_dir("data") if data_dir.resolve().is_relative_to(PACKAGE_DIR) else data_dir


@dataclass(frozen=True)
class Settings:
    base: str = DEFAULT_BASE
    data_dir: Path = field(default_factory=_default_data_dir)
    bundled_source: str = "yuzhong-2023-key-tasks.txt"
    build_dir_override: Path | None = None
    store_dir_override: Path | None = None
    cache_dir_override: Path | None = None

    @property
    def source_dir(self) -> Path:
        return self.data_dir / "source"

    @property
    def build_dir(self) -> Path:
        return self.build_dir_override or _writable_home(self.data_dir) / "build"

    @property
    def store_dir(self) -> Path:
        """The state folder: versions, history and the Oxigraph store (plankg.versions)."""
        return self.store_dir_override or _writable_home(self.data_dir) / "store"

    @property
    def cache_dir(self) -> Path:
        """What can be made again from the data but takes time: the reference graphs (plankg.reference)."""
        return self.cache_dir_override or user_dir("cache")

    @property
    def registry_path(self) -> Path:
        return self.data_dir / "units.ttl"

    def registry_paths(self, district: str | None = None) -> list[Path]:
        """The unit registry files: data/units.ttl, and one per further district in data/units/
        (named by its code). With ``district``, only the files that can hold its units."""
        further = self.district_registries()
        if district is not None:
            return [self.registry_path] + ([further[district]] if district in further else [])
        return [self.registry_path, *further.values()]

    def district_registries(self) -> dict[str, Path]:
        """data/units/<code>.ttl by division code: the registries of further districts, each kept
        in a graph of its own in the store."""
        folder = self.data_dir / "units"
        return {p.stem: p for p in sorted(folder.glob("*.ttl"))} if folder.is_dir() else {}

    @property
    def districts_path(self) -> Path:
        return self.data_dir / "districts.ttl"

    @property
    def indicators_path(self) -> Path:
        return self.data_dir / "indicators.ttl"

    @property
    def linksets_dir(self) -> Path:
        """Links to other datasets (``plankg link``), loaded with the reference data."""
        return self.data_dir / "linksets"

    @property
    def bundled_plan(self) -> Path:
        return self.source_dir / self.bundled_source

    def with_overrides(self, **values) -> "Settings":
        """A copy with the given non-None values replaced."""
        return replace(self, **{k: v for k, v in values.items() if v is not None})


VALIDATORS = ("fast", "pyshacl")


def validator(environ=os.environ) -> str:
    """Which SHACL engine checks plans: PLANKG_VALIDATOR=fast (the default: plankg.fastshacl,
    pySHACL only for shapes it does not implement) or pyshacl (the reference, slower)."""
    name = environ.get("PLANKG_VALIDATOR", "fast").strip().lower() or "fast"
    if name not in VALIDATORS:
        raise ValueError(f"PLANKG_VALIDATOR={name!r}: expected one of {', '.join(VALIDATORS)}")
    return name


def from_env(environ=os.environ) -> Settings:
    """Settings from PLANKG_BASE, PLANKG_DATA_DIR, PLANKG_BUILD_DIR, PLANKG_STORE and PLANKG_CACHE_DIR, else the defaults."""
    s = Settings()
    base = environ.get("PLANKG_BASE")
    if base and not base.endswith(("/", "#")):
        base += "/"
    data = environ.get("PLANKG_DATA_DIR")
    build = environ.get("PLANKG_BUILD_DIR")
    store = environ.get("PLANKG_STORE")
    cache = environ.get("PLANKG_CACHE_DIR")
    return s.with_overrides(base=base or None, data_dir=Path(data).resolve() if data else None,
                            build_dir_override=Path(build).resolve() if build else None,
                            store_dir_override=Path(store).resolve() if store else None,
                            cache_dir_override=Path(cache).resolve() if cache else None)
