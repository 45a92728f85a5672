"""The parts of the external-store engine that need no store: credentials in the configuration,
string constants for Virtuoso, and the batches a unit of the mirror is written in."""
from __future__ import annotations

import pyoxigraph as ox
import pytest

from plankg.server.config import ServerConfig, from_env
from plankg.server.mirror import BATCH, batches, graphs_of, unit_of
from plankg.server.remote import typed_strings

XSD = "^^<http://www.w3.org/2001/XMLSchema#string>"


@pytest.mark.parametrize("variable", ["PLANKG_STORE_URL", "PLANKG_STORE_UPDATE_URL"])
def test_a_password_in_a_store_url_is_refused_without_repeating_it(variable):
    with pytest.raises(ValueError) as e:
        from_env({variable: "http://plankg:s3cret@127.0.0.1:8890/sparql"})
    assert "PLANKG_STORE_PASSWORD" in str(e.value) and "s3cret" not in str(e.value)


def test_the_store_password_is_not_in_the_configurations_repr():
    config = from_env({"PLANKG_STORE_USER": "plankg", "PLANKG_STORE_PASSWORD": "s3cret"})
    assert config.store_password == "s3cret" and "s3cret" not in repr(config)
    with pytest.raises(ValueError):
        ServerConfig(store_password="s3cret")  # a password without a user is a mistake


def test_non_ascii_plain_strings_get_their_datatype_written_out():
    q = ('SELECT ?s WHERE { ?s ?p "区发改委" . ?s ?q "区"@zh . ?s ?r "区"^^<urn:x> FILTER (STR(?s) = "a") } '
         'GROUP BY ?s HAVING (GROUP_CONCAT(?p; SEPARATOR="、") != "、、") # "注释"')
    assert typed_strings(q) == q.replace('"区发改委"', '"区发改委"' + XSD).replace('!= "、、"', '!= "、、"' + XSD)
    assert typed_strings("ASK { ?s ?p 'abc' }") == "ASK { ?s ?p 'abc' }"


def test_batches_keep_blank_node_clusters_together():
    s, p = ox.NamedNode("urn:s"), ox.NamedNode("urn:p")
    plain = [ox.Triple(s, p, ox.Literal(str(i))) for i in range(BATCH + 10)]
    a, b = ox.BlankNode("a"), ox.BlankNode("b")
    cluster = [ox.Triple(s, p, a), ox.Triple(a, p, b), ox.Triple(b, p, ox.Literal("x"))]
    runs = batches(plain[:BATCH - 1] + cluster[:1] + plain[BATCH - 1:] + cluster[1:])
    assert sorted(str(t) for run in runs for t in run) == sorted(str(t) for t in plain + cluster)
    assert all(len(run) <= BATCH for run in runs)
    assert sum(any(t in run for t in cluster) for run in runs) == 1  # one run holds the whole cluster


def test_units_of_the_mirror():
    plan = "https://w3id.org/plankg/plan/500103/2023"
    assert unit_of(f"{plan}/inferred", False) == unit_of(f"{plan}/history", False) == f"{plan}/history"
    assert graphs_of(f"{plan}/history") == [f"{plan}/graph", f"{plan}/inferred", f"{plan}/history"]
    ref = "https://w3id.org/plankg/graph/reference"
    assert unit_of(ref, True) == ref and graphs_of(ref) == [ref]
