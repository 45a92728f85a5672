"""plankg.open(store_url=...) asks an external SPARQL store and answers as the local store does."""
from __future__ import annotations

import pandas as pd
import pyoxigraph as ox
import pytest
import requests

import plankg
from plankg.config import Settings

from ..conftest import DATA
from .stores import start_store

pytestmark = pytest.mark.server


def test_a_notebook_on_an_external_store_answers_as_on_the_state_folder(settings, built, tmp_path):
    local = plankg.open(settings=Settings(data_dir=DATA, build_dir_override=settings.build_dir,
                                          store_dir_override=tmp_path / "state"))
    store = start_store("oxigraph", tmp_path / "oxigraph")
    try:
        quads = local.store.ox.dump(format=ox.RdfFormat.N_QUADS)
        base = store.query_url.rsplit("/", 1)[0]
        requests.post(base + "/store", data=quads, headers={"Content-Type": "application/n-quads"},
                      timeout=60).raise_for_status()
        remote = plankg.open(settings=local.settings, store_url=store.query_url)
        for name, params in (("unit-workload", {}), ("tasks-led-by", {"unit": "区发改委"}), ("targets", {})):
            pd.testing.assert_frame_equal(remote.query(name, **params), local.query(name, **params), obj=name)
        assert remote.task(35).lead_units == "区文旅委"
    finally:
        store.stop()
