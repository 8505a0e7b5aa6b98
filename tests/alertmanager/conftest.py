from __future__ import annotations

import os
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "alertmanager-configs"
AMTOOL = shutil.which("amtool")
AMTOOL_033 = os.environ.get("BURNIN_AMTOOL_033") or None
ALERTMANAGER = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")


def routes_files() -> list[Path]:
    return sorted(CORPUS.rglob("*.routes.yaml")) if CORPUS.is_dir() else []
