"""Keeping an external store (``--store-url``) a mirror of the state folder's current graphs.

The graphs go in *units*, each marked by one digest triple (``?g plan:contentDigest ?d`` inside
graph ``?g``): the shared reference graph and each further district's registry carry their own;
a plan's three graphs (``graph``, ``inferred``, ``history``) share the one in its history graph.
A unit whose digest the store already holds is skipped, so a restart pushes nothing, and a unit
the store lost (or holds in another version) is written again.

Each unit is one SPARQL Update request: ``DROP SILENT`` of its graphs, then ``INSERT DATA``
operations of at most :data:`BATCH` triples (Virtuoso 7's parser runs out of memory near 5,000
triples in one ``INSERT DATA``: "SP030 … memory exhausted"), and the digest triple last. Both
tested stores run one request as one transaction, so a reader sees the old unit or the new one;
a store that stopped half way through would lack the digest, and the next push writes the unit
again. Triples that share a blank node stay in one operation, since a blank node label names
one node only within one ``INSERT DATA``.

Units the store holds but the snapshot lacks (a district's registry file removed) are dropped.
Graphs that carry no digest of ours are never touched: the store may hold other data, such as
Virtuoso's own system graphs, which queries over its union default graph will also see.
"""
from __future__ import annotations

import pyoxigraph as ox

DIGEST = "https://w3id.org/plankg/ontology#contentDigest"
BATCH = 1000
PLAN_GRAPHS = ("graph", "inferred", "history")
DIGESTS = f"SELECT ?g ?d WHERE {{ GRAPH ?g {{ ?g <{DIGEST}> ?d }} }}"


def unit_of(name: str, own_digest: bool) -> str:
    """The unit key of a graph: its own name, or its plan's history graph."""
    if own_digest:
        return name
    head, _, last = name.rpartition("/")
    return f"{head}/history" if last in PLAN_GRAPHS else name


def graphs_of(key: str) -> list[str]:
    """Every graph a unit may have in the store (a plan's inferred graph may be empty here, not there)."""
    if key.endswith("/history"):
        head = key.rpartition("/")[0]
        return [f"{head}/{g}" for g in PLAN_GRAPHS]
    return [key]


def batches(triples: list, size: int = BATCH) -> list[list]:
    """The triples in runs of at most ``size`` (more only for one blank-node cluster), each cluster in one run."""
    parent: dict = {}

    def root(node):
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for t in triples:
        blanks = [n for n in (t.subject, t.object) if isinstance(n, ox.BlankNode)]
        if len(blanks) == 2:
            parent[root(blanks[0])] = root(blanks[1])
        elif blanks:
            root(blanks[0])
    clusters: dict = {}
    for i, t in enumerate(triples):
        blank = next((n for n in (t.subject, t.object) if isinstance(n, ox.BlankNode)), None)
        clusters.setdefault(root(blank) if blank is not None else i, []).append(t)
    runs, run = [], []
    for cluster in clusters.values():
        if run and len(run) + len(cluster) > size:
            runs.append(run)
            run = []
        run += cluster
    return runs + ([run] if run else [])


def insert(graph: str, triples: list) -> str:
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    return f"INSERT DATA {{ GRAPH <{graph}> {{\n{body}}} }}"


def unit_update(store: ox.Store, key: str, names: list[str]) -> str:
    """One request that replaces a unit's graphs, its digest triple last."""
    ops = [f"DROP SILENT GRAPH <{name}>" for name in graphs_of(key)]
    marker = []
    for name in names:
        triples = [q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(name))]
        if name == key:
            marker = [t for t in triples if t.subject.value == key and t.predicate.value == DIGEST]
            triples = [t for t in triples if t not in marker]
        ops += [insert(name, run) for run in batches(triples)]
    if marker:
        ops.append(insert(key, marker))
    return " ;\n".join(ops)


def remote_digests(engine) -> dict[str, set[str]]:
    digests: dict[str, set[str]] = {}
    for solution in engine.run_query(DIGESTS, "results"):  # no row cap: every unit must be seen
        digests.setdefault(solution["g"].value, set()).add(solution["d"].value)
    return digests


def mirror(engine, snapshot) -> list[str]:
    """Make the store hold the snapshot's units; return the graphs written or dropped."""
    store = ox.Store.read_only(str(snapshot))
    local = {s["g"].value: s["d"].value for s in store.query(DIGESTS)}
    units: dict[str, list[str]] = {}
    for graph in store.named_graphs():
        name = graph.value
        units.setdefault(unit_of(name, name in local and not name.endswith("/history")), []).append(name)
    remote = remote_digests(engine)
    timeout = max(60.0, engine.config.query_timeout)
    changed = []
    stale = [graphs_of(key) for key in sorted(remote) if key not in units]
    if stale:
        drops = " ;\n".join(f"DROP SILENT GRAPH <{name}>" for names in stale for name in names)
        engine.update(drops, timeout)
        changed += [name for names in stale for name in names]
    for key in sorted(units, key=lambda k: (k.endswith("/history"), k)):  # shared graphs before plans
        if key in local and remote.get(key) == {local[key]}:
            continue
        names = sorted(units[key], key=lambda n: n == key)
        engine.update(unit_update(store, key, names), timeout)
        changed += names
    return changed
