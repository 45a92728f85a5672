"""A private Virtuoso Open Source instance for the tests (Debian's ``virtuoso-opensource``).

Not the system service: ``virtuoso-t`` in the foreground with its own ``virtuoso.ini``, database
folder and free loopback ports (HTTP and ISQL), a random DBA password, and a user ``plankg``
with the ``SPARQL_UPDATE`` role that updates through ``/sparql-auth`` (Digest authentication),
as a deployment would. Queries go to ``/sparql`` without a user.
"""
from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import Server, free_port

VIRTUOSO, ISQL = shutil.which("virtuoso-t"), shutil.which("isql-vt")
USER = "plankg"
INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{isql}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = .
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {root}/vsp
ServerThreads = 10
Charset = UTF-8
[SPARQL]
; above plankg's row limit, so plankg sees a result that is too large (Debian's default is 10000)
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
"""


def require() -> None:
    if not (VIRTUOSO and ISQL):  # a developer's machine may skip; CI (CI=true) must run it
        (pytest.fail if os.environ.get("CI") else pytest.skip)(
            "Virtuoso is not installed (apt-get install virtuoso-opensource)")


class Virtuoso:
    """``virtuoso-t`` on free ports in ``root``, ready when ``/sparql`` answers; ``stop()`` ends it."""

    def __init__(self, root: Path):
        self.root, self.http, self.isql_port = root, free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.http}"
        self.query_url, self.update_url = self.url + "/sparql", self.url + "/sparql-auth"
        self.password, self.dba_password = secrets.token_hex(8), "dba"
        (root / "db").mkdir(parents=True, exist_ok=True)
        (root / "vsp").mkdir(exist_ok=True)
        (root / "virtuoso.ini").write_text(INI.format(db=root / "db", root=root, isql=self.isql_port,
                                                      http=self.http))
        self.start()
        try:
            new = secrets.token_hex(8)
            self.sql(f"USER_SET_PASSWORD ('dba', '{new}')")  # the default dba/dba only until here
            self.dba_password = new
            self.sql(f"DB.DBA.USER_CREATE ('{USER}', '{self.password}')", f'GRANT SPARQL_UPDATE TO "{USER}"')
        except BaseException:
            self.stop()
            raise

    def start(self) -> None:
        self.server = Server([VIRTUOSO, "+foreground", "+configfile", str(self.root / "virtuoso.ini")], self.http,
                             dict(os.environ), "/sparql?query=ASK%20%7B%7D", self.root / "virtuoso.out")

    def sql(self, *statements: str) -> str:
        """Run statements as DBA through isql; a failed one raises with Virtuoso's message."""
        script = "".join(s.rstrip(";") + ";\n" for s in statements)
        out = subprocess.run([ISQL, f"127.0.0.1:{self.isql_port}", "dba", self.dba_password, "VERBOSE=OFF",
                              "BANNER=OFF", "PROMPT=OFF", "ERRORS=STDOUT"], input=script, capture_output=True,
                             text=True, timeout=60)
        if out.returncode != 0 or "*** Error" in out.stdout:
            raise RuntimeError(f"isql failed: {out.stdout[-1000:]} {out.stderr[-500:]}")
        return out.stdout

    def stop(self) -> None:
        self.server.stop()
