"""Routing agrees with amtool on the Alertmanager configs Debian ships, asked live.

Debian's ``prometheus-alertmanager`` packages install a default
``/etc/prometheus/alertmanager.yml`` (stable's, 0.25; sid's, 0.33.1, which
differs) and upstream's examples. They are real-world configs from a public
repository (Debian's packaging), on every machine that has the package, so
they widen the corpus without copying anything into the project; their
answers are not recorded but asked of amtool here, for label sets generated
from each tree (tests/alertmanager/labelsets.py).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pytest_burnin.alertmanager.config import load_config
from pytest_burnin.alertmanager.route import Route, receivers
from pytest_burnin.alertmanager.tree import routes_tree

from .conftest import AMTOOL, AMTOOL_033, routes_files
from .labelsets import label_sets

pytestmark = pytest.mark.differential


def _sid_root() -> Path | None:
    # BURNIN_AMTOOL_033 is <cache>/root/usr/bin/amtool: the package's files are under root.
    return Path(AMTOOL_033).resolve().parents[2] if AMTOOL_033 else None


def installed_configs() -> list[tuple[str, Path, str]]:
    """(id, config, amtool binary) for each packaged config with a routing tree."""
    found: list[tuple[str, Path, str]] = []
    roots = [("debian-stable", Path("/"), AMTOOL), ("debian-sid", _sid_root(), AMTOOL_033)]
    for name, root, amtool in roots:
        if root is None or amtool is None:
            continue
        config = root / "etc" / "prometheus" / "alertmanager.yml"
        if config.is_file():
            found.append((f"{name}/etc/prometheus/alertmanager.yml", config, amtool))
    return found


CONFIGS = installed_configs()


def _amtool(binary: str, config: Path, labels: dict[str, str]) -> list[str]:
    args = [binary, "config", "routes", "test", f"--config.file={config}"]
    args += [f'{k}="{v}"' for k, v in labels.items() if v != ""]
    out = subprocess.run(args, capture_output=True, text=True, timeout=30, check=True)
    return out.stdout.strip().split(",")


@pytest.mark.skipif(not CONFIGS, reason="no Debian prometheus-alertmanager package with amtool")
@pytest.mark.parametrize(
    ("config", "amtool"), [c[1:] for c in CONFIGS], ids=[c[0] for c in CONFIGS]
)
def test_packaged_config_routes_as_amtool_says(config: Path, amtool: str) -> None:
    root = Route.build(load_config(config).route)
    version = "0.25" if amtool == AMTOOL else "0.33"
    tree = subprocess.run([amtool, "config", "routes", f"--config.file={config}"],
                          capture_output=True, text=True, timeout=30, check=True).stdout  # fmt: skip
    assert routes_tree(root, version) == tree
    cases = label_sets(root)
    assert len(cases) >= 15  # every route reached, and the variants beside each
    wrong = [
        f"{labels}: ours {receivers(root, labels)}, amtool {theirs}"
        for labels in cases
        if receivers(root, labels) != (theirs := _amtool(amtool, config, labels))
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.skipif(
    not (routes_files() and len(CONFIGS) == 2),
    reason="needs ../shared/alertmanager-configs and both Debian packages (stable and sid)",
)
def test_corpus_with_the_packaged_configs_has_thirty_configs() -> None:
    recorded = {f.parent / f.name.removesuffix(".routes.yaml") for f in routes_files()}
    assert len(recorded) + len(CONFIGS) >= 30
