"""Shared fixtures: the bundled plan built once per session into a temporary folder.

Under pytest-xdist (``-n auto``, pyproject.toml) a session is one worker's: each worker builds the
plan for itself (two seconds), while what the server tests only read is made once for the whole
run (tests/parallel.py). Tests that share an expensive module fixture (GROUPED) run in one worker.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from plankg import pipeline, reference
from tests import parallel
from plankg.store import load_built
from plankg.cli import cli
from plankg.config import Settings

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
SOURCE = DATA / "source" / "yuzhong-2023-key-tasks.txt"
PLAN_IRI = "https://w3id.org/plankg/plan/500103/2023"

# Module fixtures that take seconds (a server, a store, every mutation judged, the full rules on the
# plan): the tests of a module that use any of them are sent to one worker (xdist_group named after
# the module, with --dist loadgroup), so each is made once, not once per worker. Cheap module
# fixtures (the reference graphs, from a disk cache) are not listed, nor ones whose tests take far longer
# than the fixture (test_amend's imported: seconds, beside minutes of amendments): their tests spread.
GROUPED = {"judged", "template", "external", "external_store", "two_servers", "fresh_server", "two_plans",
           "bundled_report", "broken", "side_by_side", "index", "state", "api_settings", "kg",
           "browser", "pages", "drawn"}


@pytest.hookimpl(tryfirst=True)  # before xdist reads the marks
def pytest_collection_modifyitems(config, items):
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        for name in (info.names_closure if info else ()):
            defs = info.name2fixturedefs.get(name)
            if name in GROUPED and defs and defs[-1].scope == "module":
                item.add_marker(pytest.mark.xdist_group(item.module.__name__))
                break
    parallel.name_groups(config, items)


@pytest.fixture(scope="session")
def settings(tmp_path_factory) -> Settings:
    """The repository's data, with builds and the state folder in temporary folders."""
    return Settings(data_dir=DATA, build_dir_override=tmp_path_factory.mktemp("build"),
                    store_dir_override=tmp_path_factory.mktemp("state") / "store")


@pytest.fixture(scope="session", autouse=True)
def clone_state_untouched():
    """No test may write the clone's own state folder (data/store): each uses a temporary one."""
    def seen():
        head = DATA / "store" / "HEAD"
        return head.read_text(encoding="utf-8") if head.is_file() else (DATA / "store").is_dir()
    before = seen()
    yield
    assert seen() == before, "a test wrote data/store: give it a state folder of its own (PLANKG_STORE, --store)"


@pytest.fixture(scope="session")
def built(settings) -> pipeline.Build:
    result = pipeline.build(SOURCE, settings)
    pipeline.write(result, settings.build_dir, settings)
    return result


@pytest.fixture(scope="session")
def store(built, settings):
    """The bundled plan in an in-memory Oxigraph store, as `plankg query` assembles it."""
    return load_built(settings, reference.graph(settings, further=False))


@pytest.fixture
def run_cli(settings, built):
    """Run the plankg CLI the way a user does, on the session's build folder and state folder
    (which the first reader fills from that build, as in a fresh clone; PLANKG_STORE, if a test
    sets it, or ``store`` name another)."""
    def run(*args: str, build_dir: Path | None = None, store: Path | None = None):
        runner = CliRunner()
        return runner.invoke(cli, ["--build-dir", str(build_dir or settings.build_dir), *args],
                             env={"PLANKG_STORE": str(store or os.environ.get("PLANKG_STORE") or settings.store_dir)},
                             catch_exceptions=False)
    return run


@pytest.fixture
def plan_copy(tmp_path):
    """A copy of the bundled plan text and its metadata in a temporary folder, to edit."""
    dest = tmp_path / "source"
    dest.mkdir()
    shutil.copy(SOURCE, dest / SOURCE.name)
    shutil.copy(SOURCE.with_suffix(".toml"), dest / SOURCE.with_suffix(".toml").name)
    return dest / SOURCE.name
