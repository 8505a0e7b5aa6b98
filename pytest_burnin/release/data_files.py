"""YAML files under the spec folders that checklists read as data, not specs:
sign-off records, GA declarations, and the files ``setting`` checks read."""

from __future__ import annotations

from pathlib import Path

from .model import load_checklists, spec_files


def checklist_data_files(spec_paths: list[Path]) -> set[Path]:
    out: set[Path] = set()
    files = spec_files([str(p) for p in spec_paths])
    for path in files:
        try:
            checklists = load_checklists([path])
        except Exception:
            continue  # a broken checklist is reported when its own file is collected
        for options, items in checklists:
            out.add(options.signoffs_file.resolve())
            out.add(options.ga_file.resolve())
            for item in items:
                if item.check and item.check.get("type") == "setting" and "file" in item.check:
                    out.add(item.path(str(item.check["file"])).resolve())
    return out
