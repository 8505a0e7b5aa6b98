"""After a run: the node_exporter textfile and the Pushgateway push."""

from __future__ import annotations

from pathlib import Path

from ..fileio import atomic_write
from .exposition import ExportData, build_registry, render


def write_textfile(path: Path, data: ExportData) -> None:
    """node_exporter's textfile collector reads ``*.prom``; written atomically (temp + rename)."""
    atomic_write(path, render(data))


def push(url: str, data: ExportData, *, job: str = "burnin", timeout: float = 10.0) -> None:
    """Replace the job's group on the Pushgateway at ``url`` (prometheus_client's PUT)."""
    from prometheus_client import push_to_gateway

    push_to_gateway(url, job=job, registry=build_registry(data), timeout=timeout)
