"""The server from an installed wheel: templates, the editor's files and the query processes are found
there too (plankg/server links to server/, and hatchling copies it in without the npm sources)."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest
import requests

from bench.serving import Server, free_port
from tests import parallel
from tests.conftest import REPO

pytestmark = pytest.mark.server

CODE = """
import plankg.server.app as s, plankg.reference as r, plankg.store as st, plankg.config as c
assert 'site' in s.__file__ or 'target' in s.__file__, s.__file__
settings = c.from_env()
app = s.create_app(store=st.load_built(settings, r.graph(settings, further=False)))
client = app.test_client()
for path in ['/', '/queries/tasks', '/static/vendor/yasgui/yasgui.min.js', '/sparql?query=ASK%7B%7D']:
    r = client.get(path)
    assert r.status_code == 200, (path, r.status_code, r.data[:300])
print(client.get('/sparql?query=ASK%7B%7D').get_json()['boolean'])
app.extensions['plankg'].close()
"""


@pytest.fixture(scope="session")
def wheel(tmp_path_factory):
    """The wheel hatchling builds from this clone, built once for the run (both tests install it)."""
    def build(dist):
        subprocess.run([sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(dist)],
                       cwd=REPO, check=True, capture_output=True)

    return next(parallel.shared_folder(tmp_path_factory, "wheel", build).glob("plankg-*.whl"))


def test_server_runs_from_an_installed_wheel(wheel, tmp_path):
    names = zipfile.ZipFile(wheel).namelist()
    assert "plankg/server/templates/home.html" in names and "plankg/server/static/vendor/yasgui/LICENSES.txt" in names
    assert "plankg/charts/specs/unit-workload.json" in names and "plankg/server/static/vendor/vega/LICENSES.txt" in names
    assert not [n for n in names if "/frontend/" in n or "node_modules" in n]
    target = tmp_path / "target"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANKG_")}
    env.update(PYTHONPATH=str(target), PLANKG_BUILD_DIR=str(REPO / "data" / "build"))  # the wheel has no build/
    out = subprocess.run([sys.executable, "-c", CODE], env=env, cwd=tmp_path, check=False,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip() == "True"


@pytest.mark.slow
def test_plankg_serve_from_a_wheel_in_a_clean_venv_and_an_empty_folder(wheel, tmp_path):
    """pip install of the built wheel into a new venv, then `plankg serve` from an empty folder: it
    builds the bundled plan, imports it into a state folder under the per-user data folder (never
    into site-packages) and answers queries; `plankg bench` there says that bench/ is absent."""
    names = zipfile.ZipFile(wheel).namelist()
    for resource in ("plankg/ontology/plankg.ttl", "plankg/shapes/plan-shapes.ttl", "plankg/queries/tasks.rq",
                     "plankg/data/units.ttl", "plankg/data/source/yuzhong-2023-key-tasks.txt"):
        assert resource in names, f"the wheel lacks {resource} (a resource folder must be real files in it)"
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    done = subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", str(wheel)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    empty, home = tmp_path / "empty", tmp_path / "home"
    empty.mkdir()
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PLANKG_", "XDG_", "VIRTUAL_ENV"))}
    env.update(HOME=str(home), PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}")
    port = free_port()
    server = Server([str(venv / "bin" / "plankg"), "serve", "--port", str(port), "--workers", "2"], port, env,
                    "/sparql?query=ASK%7B%7D", tmp_path / "serve.log", wait=600)
    try:
        answer = requests.get(f"{server.url}/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE "
                              "{ ?t a <https://w3id.org/plankg/ontology#Task> }"},
                              headers={"Accept": "application/sparql-results+json"}, timeout=60)
        assert answer.status_code == 200, answer.text[:500]
        assert int(answer.json()["results"]["bindings"][0]["n"]["value"]) == 171
    finally:
        server.stop()
    data = home / ".local" / "share" / "plankg"
    assert (data / "build" / "500103-2023.ttl").is_file() and (data / "store" / "plans").is_dir()
    assert list(empty.iterdir()) == []
    site = next((venv / "lib").glob("python3*/site-packages/plankg"))
    assert not (site / "data" / "build").exists() and not (site / "data" / "store").exists()
    bench = subprocess.run([str(venv / "bin" / "plankg"), "bench", "--quick"], cwd=empty, env=env,
                           capture_output=True, text=True, timeout=120)
    assert bench.returncode == 1 and "no bench/ folder" in bench.stderr and "Traceback" not in bench.stderr
