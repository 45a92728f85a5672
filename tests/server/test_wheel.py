"""The server from an installed wheel: templates, the editor's files and the query processes are found
there too (plankg/server links to server/, and hatchling copies it in without the npm sources)."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.server

CODE = """
import plankg.server as s, plankg.pipeline as p, plankg.config as c
assert 'site' in s.__file__ or 'target' in s.__file__, s.__file__
app = s.create_app(store=p.load_store(c.from_env()))
client = app.test_client()
for path in ['/', '/queries/tasks', '/static/vendor/yasgui/yasgui.min.js', '/sparql?query=ASK%7B%7D']:
    r = client.get(path)
    assert r.status_code == 200, (path, r.status_code, r.data[:300])
print(client.get('/sparql?query=ASK%7B%7D').get_json()['boolean'])
app.extensions['plankg'].close()
"""


def test_server_runs_from_an_installed_wheel(tmp_path):
    subprocess.run([sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path)],
                   cwd=REPO, check=True, capture_output=True)
    wheel = next(tmp_path.glob("plankg-*.whl"))
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
