"""The documentation: the site builds strictly, and every command it shows runs.

Every fenced ``sh``, ``console``, ``sparql`` and ``python`` block of README.md and docs/ runs, in
order, page by page, in a scratch copy of the data (``PLANKG_DATA_DIR``: nothing is written into
the repository), with the test's own environment on PATH (the install lines of README's two
commands are left out: ``.ci/run`` does the install from a fresh clone). A block may be marked
by an HTML comment on the line before it:

- ``<!-- test: serves -->``: it serves until stopped; the test waits until the server answers
  a SPARQL query on its port, checks that it holds the plan's 171 tasks, and stops it;
- ``<!-- test: with server -->``: it needs a running ``plankg serve`` (started once per page,
  with ``PLANKG_UPDATE_TOKEN`` set);
- ``<!-- test: exit codes 0 1 … -->``: the exit status of each ``$`` command of a console block;
- ``<!-- test: in a git repository … -->``: a pre-commit hook, installed and run by a real commit;
- ``<!-- not tested…: REASON -->``: not run, and the reason says what tests it instead.

Ports 5000 and 7878 in the text become free ports. ``curl`` fails on an HTTP error (``-f``).
Console blocks run their ``$`` lines; the output they show is not compared (times and digests
change), but ``test_numbers_line_is_current`` keeps the one figure README used to get wrong.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from . import parallel
from .conftest import REPO
from .server.conftest import free_port

SITE_PAGES = sorted(p for p in (REPO / "docs").rglob("*.md") if "hooks" not in p.parts)
PAGES = [REPO / "README.md", *SITE_PAGES]
BLOCK = re.compile(r"(?:^[ ]*<!-- (?P<mark>[^\n]*?) -->\n)?^(?P<indent>[ ]*)```(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)```[ ]*$",
                   re.S | re.M)
RUN = {"sh", "console", "sparql", "python"}
INSTALL = re.compile(r"python3 -m venv \.venv && \.venv/bin/pip install (-q )?-e [^&]+ && ")
MARKS = re.compile(r"test: serves|test: with server|test: exit codes( \d+)+|test: in a git repository.*|not tested[^:]*: .{20,}")
TASKS = "SELECT (COUNT(*) AS ?n) WHERE { ?t a <https://w3id.org/plankg/ontology#Task> }"
VENV_BIN = Path(sys.executable).parent


def blocks(page: Path) -> list[tuple[str | None, str, str]]:
    """(mark, language, body) of every fenced block of a page, in order, dedented."""
    out = []
    for m in BLOCK.finditer(page.read_text(encoding="utf-8")):
        indent = len(m["indent"])
        body = "\n".join(line[indent:] for line in m["body"].splitlines())
        out.append((m["mark"], m["lang"], body + "\n"))
    return out


def runnable(page: Path) -> list[tuple[str | None, str, str]]:
    return [b for b in blocks(page) if b[1] in RUN and not (b[0] or "").startswith("not tested")]


def _param(page: Path):
    marks = [pytest.mark.slow]
    if any((m or "").startswith(("test: serves", "test: with server")) for m, _, _ in runnable(page)):
        marks.append(pytest.mark.server)
    return pytest.param(page, marks=marks, id=str(page.relative_to(REPO)))


def test_every_mark_is_known_and_every_untested_block_says_why():
    for page in PAGES:
        for mark, lang, body in blocks(page):
            if mark is not None and lang in RUN:
                assert MARKS.fullmatch(mark), f"{page.relative_to(REPO)}: unknown mark <!-- {mark} --> before {body[:60]!r}"


def test_every_setting_the_code_reads_is_documented():
    sys.path.insert(0, str(REPO / "docs" / "hooks"))
    try:
        import reference
    finally:
        sys.path.pop(0)
    page = reference.settings_page()
    read = set()
    for root in (REPO / "plankg", REPO / "server"):
        for path in root.rglob("*.py"):
            if "node_modules" not in path.parts:
                read |= set(re.findall(r"PLANKG_[A-Z_]+[A-Z]", path.read_text(encoding="utf-8")))
    assert read and {v for v in read if f"`{v}`" not in page} == set()


def test_numbers_line_is_current(run_cli):
    """The figure the docs show for the bundled plan is what a build prints now."""
    result = run_cli("build")
    assert result.exit_code == 0, result.output
    printed = re.search(r"numbers: .*", result.output)[0]
    shown = {m for p in PAGES for m in re.findall(r"numbers: \d+ found, .*", p.read_text(encoding="utf-8"))
             if "245 found" in m or "241 found" in m or p.name == "targets.md"}
    assert shown == {printed}


# -- running the blocks ------------------------------------------------------------

class Scratch:
    """A scratch copy of what the docs' commands read, with its environment and servers."""

    def __init__(self, root: Path, cache: Path):
        self.root = root / "clone"
        (self.root / "tests").mkdir(parents=True)
        shutil.copytree(REPO / "data", self.root / "data", ignore=shutil.ignore_patterns("store"))
        shutil.copytree(REPO / "tests" / "data", self.root / "tests" / "data")
        (self.root / "docs").mkdir()
        (self.root / ".venv").symlink_to(VENV_BIN.parent)
        self.port, self.store_port = free_port(), free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("PLANKG_")}
        self.env = env | {"PATH": f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}", "HOME": str(root),
                          "PLANKG_DATA_DIR": str(self.root / "data"), "PLANKG_CACHE_DIR": str(cache),
                          "PLANKG_PORT": str(self.port), "PLANKG_UPDATE_TOKEN": "docs-token",
                          "PLANKG_WORKERS": "1", "PLANKG_QUERY_PROCESSES": "1", "GIT_CONFIG_NOSYSTEM": "1"}
        self.server = None

    def text(self, body: str) -> str:
        body = INSTALL.sub("", body)
        return body.replace("127.0.0.1:5000", f"127.0.0.1:{self.port}").replace("127.0.0.1:7878", f"127.0.0.1:{self.store_port}")

    def run(self, script: str, *, python=False, timeout=600) -> subprocess.CompletedProcess:
        command = [sys.executable, "-c", script] if python else \
            ["bash", "-euo", "pipefail", "-c", 'curl() { command curl -fsS "$@"; }\n' + script]
        return subprocess.run(command, cwd=self.root, env=self.env, capture_output=True, text=True, timeout=timeout)

    def start(self, script: str) -> subprocess.Popen:
        log = open(self.root.parent / f"server-{time.monotonic_ns()}.log", "w")
        process = subprocess.Popen(["bash", "-c", script], cwd=self.root, env=self.env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        process.log = log
        deadline = time.monotonic() + 240
        url = f"http://127.0.0.1:{self.port}/sparql?" + urllib.parse.urlencode({"query": TASKS})
        while True:
            try:
                with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "text/csv"}), timeout=30) as r:
                    answer = r.read().decode()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    self.stop(process)
                    pytest.fail(f"the server did not answer: {Path(log.name).read_text()[-2000:]}")
                time.sleep(0.5)
        assert answer.split() == ["n", "171"], answer
        return process

    @staticmethod
    def stop(process: subprocess.Popen) -> None:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        process.log.close()

    def block(self, mark: str | None, lang: str, body: str) -> None:
        body, mark = self.text(body), mark or ""
        if mark == "test: serves":
            self.stop(self.start(body))
        elif lang == "console":
            codes = [int(c) for c in mark.split()[3:]] if mark.startswith("test: exit codes") else None
            commands = re.findall(r"^\$ ((?:.*\\\n)*.*)$", body, re.M)
            assert codes is None or len(codes) == len(commands), f"{mark} for {len(commands)} commands"
            for i, command in enumerate(commands):
                done = self.run(command)
                expected = codes[i] if codes else 0
                assert done.returncode == expected, f"$ {command}\n→ {done.returncode}, not {expected}\n{done.stdout}{done.stderr}"
        elif mark.startswith("test: in a git repository"):
            hook = self.root / "hook.sh"
            hook.write_text(body, encoding="utf-8")
            done = self.run("git init -q . && mkdir -p .git/hooks && cp hook.sh .git/hooks/pre-commit && "
                            "chmod +x .git/hooks/pre-commit && git add data && "
                            "git -c user.name=docs -c user.email=docs@example.org commit -qm 'the data'")
            assert done.returncode == 0, done.stdout + done.stderr
        else:
            if mark == "test: with server" and self.server is None:
                self.server = self.start("plankg serve")
            if lang == "sparql":
                (self.root / "question.rq").write_text(body, encoding="utf-8")
                done = self.run("plankg query question.rq --format csv")
                assert done.returncode == 0 and len(done.stdout.splitlines()) > 1, done.stdout + done.stderr + body
                return
            done = self.run(body, python=lang == "python")
            assert done.returncode == 0, f"{body}\n→ exit {done.returncode}\n{done.stdout[-3000:]}{done.stderr[-3000:]}"

    def close(self) -> None:
        if self.server is not None:
            self.stop(self.server)


@pytest.fixture(scope="session")
def reference_cache(tmp_path_factory):
    """One reference cache for every page and every worker of the run (its files are written atomically)."""
    return parallel.shared_folder(tmp_path_factory, "docs-cache", lambda folder: folder.mkdir())


@pytest.mark.parametrize("page", [_param(p) for p in PAGES if runnable(p)])
def test_every_command_the_page_shows_runs(page, tmp_path, reference_cache):
    scratch = Scratch(tmp_path, reference_cache)
    try:
        for mark, lang, body in runnable(page):
            scratch.block(mark, lang, body)
    finally:
        scratch.close()


# -- the site -------------------------------------------------------------------

def mkdocs(root: Path, site: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(VENV_BIN / "mkdocs"), "build", "--strict", "-f", str(root / "mkdocs.yml"), "-d", str(site)],
                          capture_output=True, text=True, timeout=600, env=os.environ | {"NO_MKDOCS_2_WARNING": "1"})


@pytest.mark.slow
def test_site_builds_strictly_with_the_reference_from_the_code(tmp_path):
    done = mkdocs(REPO, tmp_path / "site")
    assert done.returncode == 0, done.stdout + done.stderr
    site = tmp_path / "site"
    for kept in ("ontology.html", "notebook.ipynb", "chart-unit-workload.png"):
        assert (site / kept).is_file(), kept
    cli = (site / "reference" / "cli.html").read_text(encoding="utf-8")
    assert "plankg serve" in cli and "--port" in cli
    assert "GrowthRateUsual" in (site / "reference" / "rules.html").read_text(encoding="utf-8")
    assert "unit-workload" in (site / "reference" / "queries.html").read_text(encoding="utf-8")
    assert "PLANKG_PORT" in (site / "reference" / "settings.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_broken_link_fails_the_build(tmp_path):
    shutil.copytree(REPO / "docs", tmp_path / "docs")
    shutil.copy(REPO / "mkdocs.yml", tmp_path)
    index = tmp_path / "docs" / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\n[gone](how-to/gone.md) [no anchor](tutorials/steward.md#nowhere)\n",
                     encoding="utf-8")
    done = mkdocs(tmp_path, tmp_path / "site")
    assert done.returncode != 0
    assert "gone.md" in done.stderr and "nowhere" in done.stderr
