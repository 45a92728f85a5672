"""The server's one configuration object: every setting from a flag, a ``PLANKG_*`` variable or a default.

``ServerConfig`` wraps the library's :class:`plankg.config.Settings` (IRI base, data and state
folders) and adds what only the server needs. ``from_env`` reads the environment; the CLI then
overrides with its flags (``with_overrides``), so a flag beats a variable beats the default.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from urllib.parse import urlsplit

from plankg.config import Settings
from plankg.config import from_env as settings_from_env


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 2)


@dataclass(frozen=True)
class ServerConfig:
    """Server settings; the environment variable of each field is ``PLANKG_`` + its name in capitals."""

    settings: Settings = field(default_factory=Settings)
    host: str = "127.0.0.1"
    port: int = 5000
    store_url: str | None = None          # an external SPARQL 1.1 query endpoint instead of the embedded store
    store_update_url: str | None = None   # its update endpoint (default: store_url with /query → /update)
    store_user: str | None = None         # user for the external store (HTTP Basic or Digest, as it asks)
    store_password: str | None = field(default=None, repr=False)  # its password: environment only, never a flag
    store_mirror: bool = True             # write the store from the state folder; off on read-only front ends
    update_token: str | None = field(default=None, repr=False)  # bearer token for /update; unset = updates off
    query_timeout: float = 10.0           # seconds a query may run before it is stopped (503)
    max_rows: int = 10_000                # result rows (or triples) a query may return
    max_request_bytes: int = 1_000_000    # request body or query string (413 above)
    max_query_chars: int = 100_000        # query text length (400 above)
    service_allowlist: tuple[str, ...] = ()  # endpoints SERVICE may call; empty = no SERVICE
    workers: int = field(default_factory=lambda: max(2, min(_cpus(), 8)))  # HTTP worker processes
    threads: int = 4                      # threads per HTTP worker
    query_processes: int = 2              # query processes kept ready per HTTP worker (up to one per thread)
    query_memory_mb: int = 4096           # address-space limit of each query process
    result_cache_mb: int = 64             # answers kept per HTTP worker until the data changes; 0 = none
    access_log: bool = False              # one line per request on stderr (costs about a tenth of a request)

    def __post_init__(self):
        for name in ("store_url", "store_update_url"):
            if "@" in urlsplit(getattr(self, name) or "").netloc:  # the URL is logged; a password in it would be too
                raise ValueError(f"{name.replace('_', '-')}: give the user and password in PLANKG_STORE_USER and "
                                 "PLANKG_STORE_PASSWORD, not in the URL")
        if self.store_password and not self.store_user:
            raise ValueError("PLANKG_STORE_PASSWORD is set but no store user (--store-user or PLANKG_STORE_USER)")

    @property
    def update_url(self) -> str | None:
        if self.store_update_url or not self.store_url:
            return self.store_update_url
        url = self.store_url
        return url[: -len("/query")] + "/update" if url.endswith("/query") else url

    def with_overrides(self, **values) -> ServerConfig:
        """A copy with the given non-None values replaced (CLI flags)."""
        return replace(self, **{k: v for k, v in values.items() if v is not None})


def _parse(name: str, kind, raw: str):
    try:
        if kind == "tuple[str, ...]":
            return tuple(v for v in raw.replace(",", " ").split() if v)
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind == "bool":
            if raw.lower() not in ("1", "true", "yes", "on", "0", "false", "no", "off"):
                raise ValueError
            return raw.lower() in ("1", "true", "yes", "on")
    except ValueError:
        expected = {"int": "a whole number", "float": "a number", "bool": "1 or 0"}.get(kind, kind)
        raise ValueError(f"PLANKG_{name.upper()}={raw!r}: expected {expected}") from None
    return raw


def from_env(environ=os.environ) -> ServerConfig:
    """The defaults, overridden by PLANKG_HOST, PLANKG_PORT, PLANKG_UPDATE_TOKEN, PLANKG_QUERY_TIMEOUT …"""
    values = {}
    for f in fields(ServerConfig):
        raw = environ.get(f"PLANKG_{f.name.upper()}")
        if f.name != "settings" and raw not in (None, ""):
            values[f.name] = _parse(f.name, f.type.replace(" | None", ""), raw)
    return ServerConfig(settings=settings_from_env(environ), **values)
