"""One truth: `plankg query`, `plankg validate` and a running `plankg serve` read the same version.

A steward's day, through the real command and the real server: the plan text is built into a
fresh state folder, served, amended from the command line, edited and built again; each time the
command line and the served page show the same text, without a restart. A build or amendment
that changes nothing says so and stores nothing; a build that breaks a rule is refused with
exit 1 and leaves the state folder and the build folder byte for byte as they were.
"""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest
import requests

from bench.serving import BIN, plankg_env, start_plankg
from tests.conftest import PLAN_IRI, SOURCE

pytestmark = pytest.mark.server
TASK62 = "62.新增市场主体1.4万户以上。"


def files(*folders) -> dict:
    """Every file under the folders, with its bytes (snapshots are what readers publish)."""
    return {p: p.read_bytes() for f in folders for p in sorted(f.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def day(tmp_path_factory, settings):
    """A plan text of the steward's own, its state folder and build folder, and `plankg serve` on them."""
    root = tmp_path_factory.mktemp("truth")
    source = root / "source" / SOURCE.name
    source.parent.mkdir()
    shutil.copy(SOURCE, source)
    shutil.copy(SOURCE.with_suffix(".toml"), source.with_suffix(".toml"))
    own = settings.with_overrides(build_dir_override=root / "build", store_dir_override=root / "store")
    env = plankg_env(own, root / "store")

    def plankg(*args):
        return subprocess.run([str(BIN / "plankg"), *args], env=env, capture_output=True, text=True, timeout=300)

    first = plankg("build", str(source))
    assert first.returncode == 0 and f"imported: {PLAN_IRI} version 1" in first.stdout, first.stdout + first.stderr
    server = start_plankg(own, root / "store", root / "server.log")
    yield source, root, plankg, server
    server.stop()


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def task62(plankg, server) -> tuple[str, str]:
    """Task 62's text as `plankg query tasks` prints it, and the served page for the task."""
    out = plankg("query", "tasks", "--format", "json")
    assert out.returncode == 0, out.stderr
    text = next(r["text"] for r in json.loads(out.stdout) if r["number"] == "62")
    page = requests.get(f"{server.url}/plan/500103/2023/task/62", timeout=60)
    assert page.status_code == 200
    return text, page.text


def test_amend_build_no_change_and_a_refused_build(day):
    source, root, plankg, server = day
    assert task62(plankg, server)[0] in task62(plankg, server)[1]

    # plankg amend: the command line and the running server show version 2
    revised = root / "revised.txt"
    shutil.copy(source, revised)
    edit(revised, TASK62, "62.新增市场主体1.5万户以上。")
    out = plankg("amend", str(revised), "-m", "任务62目标调整")
    assert out.returncode == 0 and "version 2" in out.stdout, out.stdout + out.stderr
    text, page = task62(plankg, server)
    assert text == "新增市场主体1.5万户以上。" and text in page

    # the source edited and built: version 3, made by plankg build, shown by both
    edit(source, TASK62, "62.新增市场主体1.6万户以上。")
    out = plankg("build", str(source))
    assert out.returncode == 0 and f"accepted: {PLAN_IRI} version 3" in out.stdout, out.stdout + out.stderr
    text, page = task62(plankg, server)
    assert text == "新增市场主体1.6万户以上。" and text in page and "1.5万户" not in page
    assert "plankg build" in plankg("history").stdout.splitlines()[-1]
    assert plankg("validate").returncode == 0  # the current version, with no argument
    exported = (root / "build" / "500103-2023.ttl").read_text(encoding="utf-8")
    assert "新增市场主体1.6万户以上。" in exported  # data/build: an export of what was accepted

    # nothing changed: said, and nothing stored (the state folder and the export byte for byte)
    before = files(root / "store", root / "build")
    out = plankg("build", str(source))
    assert out.returncode == 0 and "no change" in out.stdout and "nothing was stored" in out.stdout, out.stdout
    out = plankg("amend", str(source), "-m", "the same again")
    assert out.returncode == 0 and "no change" in out.stdout, out.stdout + out.stderr
    assert files(root / "store", root / "build") == before

    # task 35 loses its 牵头单位 line: refused with the report, exit 1, nothing written
    edit(source, "牵头单位:区文旅委\n责任单位:区商务委、区政府外办", "责任单位:区商务委、区政府外办")
    out = plankg("build", str(source))
    assert out.returncode == 1, out.stdout + out.stderr
    assert "task 35 (line 122)  Violation" in out.stdout and "nothing was stored" in out.stderr
    assert files(root / "store", root / "build") == before
    text, page = task62(plankg, server)
    assert text == "新增市场主体1.6万户以上。" and text in page
    assert len(plankg("history").stdout.splitlines()) == 3


def test_the_first_import_happens_only_if_the_plan_passes(tmp_path, settings):
    """A fresh state folder and a text that breaks a rule: refused, and no state folder made."""
    source = tmp_path / SOURCE.name
    shutil.copy(SOURCE, source)
    shutil.copy(SOURCE.with_suffix(".toml"), source.with_suffix(".toml"))
    edit(source, "牵头单位:区文旅委\n责任单位:区商务委、区政府外办", "责任单位:区商务委、区政府外办")
    own = settings.with_overrides(build_dir_override=tmp_path / "build", store_dir_override=tmp_path / "store")
    out = subprocess.run([str(BIN / "plankg"), "build", str(source)], env=plankg_env(own, tmp_path / "store"),
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 1 and "task 35 (line 122)  Violation" in out.stdout, out.stdout + out.stderr
    assert not (tmp_path / "build").exists() and not (tmp_path / "store" / "plans").exists()
