"""Start the Prometheus a fuzz run compares with: 2.42 (compat 2) or 3.5.3 (default mode)."""

from __future__ import annotations

from pathlib import Path

from tests.binaries import find
from tests.integration.prom import PrometheusServer

from .runner import Target, probe

# Which binary (tests/binaries.py key) and which engine mode each version pairs with.
VERSIONS = {"2.42": ("prometheus", 2), "3.5": ("prometheus-3.5", 3)}


def start(version: str, workdir: Path) -> tuple[PrometheusServer, Target]:
    """A server on 127.0.0.1 that accepts remote write; the caller stops it (by pid)."""
    tool, compat = VERSIONS[version]
    binary = find(tool)  # BinaryMissing names the reason and what to do
    args = ["--web.enable-remote-write-receiver"]
    if compat == 3:
        # The engine has no feature flags: it always knows the experimental functions.
        args.append("--enable-feature=promql-experimental-functions")
    server = PrometheusServer(workdir / "data", workdir, exe=binary.path, extra_args=args)
    server.start()
    try:
        functions, aggregations = probe(server.url, compat)
    except BaseException:
        server.stop()
        raise
    target = Target(f"prometheus {binary.version}", server.url, compat, functions, aggregations)
    return server, target
