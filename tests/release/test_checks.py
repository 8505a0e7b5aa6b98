"""The built-in evidence checks, each passing and failing (no pytest run needed)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from pytest_burnin.errors import EvaluationError
from pytest_burnin.release.backup import check_backup
from pytest_burnin.release.checks import builtin_check, linked_paths
from pytest_burnin.release.command import truncate
from pytest_burnin.release.render import render_release_checklist

from .helpers import make_item


def run(tmp_path: Path, check: dict[str, Any]) -> tuple[bool, str]:
    ev = builtin_check(make_item(tmp_path, check), None)
    assert ev is not None
    return ev.passed, ev.summary


def test_file_exists_and_globs(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("a")
    assert run(tmp_path, {"type": "file", "paths": ["docs/*.md"]}) == (
        True,
        "1 file(s) present: docs/a.md",
    )
    assert run(tmp_path, {"type": "file", "path": "docs/missing.md"}) == (
        False,
        "no file matches docs/missing.md",
    )


def test_file_non_empty(tmp_path: Path) -> None:
    (tmp_path / "empty.md").write_text("")
    assert not run(tmp_path, {"type": "file", "path": "empty.md", "non_empty": True})[0]


def test_link_from_readme(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    for name in ("a.md", "b.md"):
        (tmp_path / "docs" / name).write_text("x")
    (tmp_path / "README.md").write_text("See [A](docs/a.md#top) and\n\n[b]: ./docs/b.md\n")
    check = {"type": "link", "document": "README.md", "targets": ["docs/*.md"]}
    assert run(tmp_path, check) == (True, "README.md links all 2 target(s)")
    (tmp_path / "README.md").write_text("See [A](docs/a.md).\n")
    assert run(tmp_path, check) == (False, "README.md does not link docs/b.md")
    missing = {"type": "link", "targets": ["docs/c.md"]}
    assert run(tmp_path, missing) == (False, "docs/c.md: no such file to link from README.md")


def test_links_ignore_urls(tmp_path: Path) -> None:
    doc = tmp_path / "R.md"
    doc.write_text("[x](https://example.com/a.md) [y](#anchor) [z](<docs/z.md>)")
    assert linked_paths(doc) == {(tmp_path / "docs" / "z.md").resolve()}


def test_command_exit_zero_and_output_kept(tmp_path: Path) -> None:
    item = make_item(tmp_path, {"type": "command", "argv": [sys.executable, "-c", "print('ok')"]})
    ev = builtin_check(item, None)
    assert ev is not None and ev.passed
    assert ev.summary.startswith("command `") and "exited 0" in ev.summary
    assert dict(ev.properties)["evidence.output"] == "ok\n"


def test_command_failing_names_exit_code_and_last_line(tmp_path: Path) -> None:
    code = "import sys; print('checking'); print('3 problems'); sys.exit(3)"
    ok, summary = run(tmp_path, {"type": "command", "argv": [sys.executable, "-c", code]})
    assert not ok
    assert summary.endswith("exited 3: 3 problems")


def test_command_that_hangs_times_out(tmp_path: Path) -> None:
    code = "import time; print('started', flush=True); time.sleep(60)"
    check = {"type": "command", "argv": [sys.executable, "-c", code], "timeout": "1s"}
    started = time.monotonic()
    item = make_item(tmp_path, check)
    ev = builtin_check(item, None)
    assert time.monotonic() - started < 20
    assert ev is not None and not ev.passed
    assert ev.summary.endswith("timed out after 1s")
    assert dict(ev.properties)["evidence.output"] == "started\n"


def test_command_not_found_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(EvaluationError, match="cannot run `no-such-program-xyz`"):
        run(tmp_path, {"type": "command", "argv": ["no-such-program-xyz"]})


def test_output_is_truncated_in_the_middle() -> None:
    text = "a" * 3000 + "END"
    cut = truncate(text, 100)
    assert len(cut) < 200 and cut.startswith("a" * 50) and cut.endswith("END")
    assert "characters cut" in cut


def _backup(tmp_path: Path, content: bytes = b"dump") -> Path:
    import hashlib

    path = tmp_path / "db.dump"
    path.write_bytes(content)
    (tmp_path / "db.dump.sha256").write_text(f"{hashlib.sha256(content).hexdigest()}  db.dump\n")
    return path


def test_backup_fresh_and_matching(tmp_path: Path) -> None:
    _backup(tmp_path)
    check = {"type": "backup", "path": "db.dump", "sha256_file": "db.dump.sha256", "max_age": "24h"}
    ok, summary = run(tmp_path, check)
    assert ok and summary.startswith("backup db.dump is ") and summary.endswith("checksum matches")


def test_backup_too_old(tmp_path: Path) -> None:
    path = _backup(tmp_path)
    old = time.time() - 50 * 3600
    os.utime(path, (old, old))
    check = {"type": "backup", "path": "db.dump", "max_age": "24h"}
    assert run(tmp_path, check) == (False, "backup db.dump is 50h old, over max_age 24h")


def test_backup_checksum_mismatch(tmp_path: Path) -> None:
    _backup(tmp_path)
    (tmp_path / "db.dump").write_bytes(b"tampered")
    check = {"type": "backup", "path": "db.dump", "sha256_file": "db.dump.sha256"}
    ok, summary = run(tmp_path, check)
    assert not ok and summary.startswith("backup db.dump checksum mismatch: sha256 ")


def test_backup_checksum_value_and_missing_file(tmp_path: Path) -> None:
    import hashlib

    _backup(tmp_path)
    good = hashlib.sha256(b"dump").hexdigest()
    assert run(tmp_path, {"type": "backup", "path": "db.dump", "sha256": good})[0]
    assert not run(tmp_path, {"type": "backup", "path": "db.dump", "sha256": "0" * 64})[0]
    assert run(tmp_path, {"type": "backup", "path": "gone.dump"}) == (
        False,
        "backup gone.dump does not exist",
    )


def test_backup_path_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = tmp_path / "fetched"
    other.mkdir()
    real = _backup(other, b"the real one")
    _backup(tmp_path)
    monkeypatch.setenv("BACKUP_PATH", str(real))
    check = {
        "type": "backup",
        "path": "db.dump",
        "path_env": "BACKUP_PATH",
        "sha256_file": "db.dump.sha256",
    }
    item = make_item(tmp_path, check)
    ev = check_backup(item, check, now=time.time() + 3600)
    assert ev.passed, ev.summary  # its own .sha256 beside it is used
    assert dict(ev.properties)["evidence.path_from"] == "$BACKUP_PATH"
    assert ev.summary.startswith("backup ") and "1h old" in ev.summary


SETTINGS = {
    "yaml": "raw:\n  retention_days: 30\n",
    "json": '{"raw": {"retention_days": 30}}',
    "toml": "[raw]\nretention_days = 30\n",
    "ini": "[raw]\nretention_days = 30\n",
}


@pytest.mark.parametrize("fmt", sorted(SETTINGS))
def test_setting_in_each_format(tmp_path: Path, fmt: str) -> None:
    (tmp_path / f"retention.{fmt}").write_text(SETTINGS[fmt])
    base = {"type": "setting", "file": f"retention.{fmt}", "key": "raw.retention_days"}
    assert run(tmp_path, {**base, "at_most": 30}) == (
        True,
        f"retention.{fmt}: raw.retention_days = 30 holds <= 30",
    )
    assert run(tmp_path, {**base, "at_least": 31}) == (
        False,
        f"retention.{fmt}: raw.retention_days = 30 violates >= 31",
    )
    assert run(tmp_path, {**base, "equals": 30})[0]


def test_setting_durations_and_key_lists(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text("scores: {retention: 400d}\nlist: [{days: 7}]\n")
    assert run(
        tmp_path,
        {"type": "setting", "file": "r.yaml", "key": "scores.retention", "at_least": "13w"},
    )[0]
    assert run(
        tmp_path, {"type": "setting", "file": "r.yaml", "key": ["list", 0, "days"], "equals": 7}
    )[0]


def test_setting_missing_key_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text("raw: {days: 30}\n")
    with pytest.raises(
        EvaluationError, match=r"r.yaml: no key 'retention' under raw \(found: days\)"
    ):
        run(tmp_path, {"type": "setting", "file": "r.yaml", "key": "raw.retention", "at_most": 1})


def test_setting_over_a_metric_query(tmp_path: Path) -> None:
    from pytest_burnin.promql.values import Scalar

    class Source:
        def default_time(self) -> int:
            return 1000

        def query(self, expr: str, t_ms: int) -> Scalar:
            return Scalar(t_ms, 0.004)

    class Ctx:
        def source(self, name: object, near: object) -> Source:
            return Source()

    check = {"type": "setting", "query": "max(x)", "at_most": 0.01}
    item = make_item(tmp_path, check)
    item.entry = object()  # type: ignore[assignment]
    ev = builtin_check(item, Ctx())  # type: ignore[arg-type]
    assert ev is not None and ev.passed and ev.summary == "query max(x) = 0.004 holds <= 0.01"
    item.check = {**check, "at_most": 0.001}
    ev = builtin_check(item, Ctx())  # type: ignore[arg-type]
    assert ev is not None and not ev.passed
    assert ev.summary == "query max(x) = 0.004 violates <= 0.001"


def test_docs_up_to_date_and_stale(tmp_path: Path) -> None:
    spec = tmp_path / "checklist.yaml"
    spec.write_text(
        "apiVersion: burnin/v1\nkind: Checklist\nmetadata: {name: ga}\n"
        "spec:\n  items:\n    - {name: owner, signoff: {role: owner}}\n"
        "    - {name: doc, check: {type: docs, path: RELEASE.md}}\n"
    )
    check = {"type": "docs", "path": "RELEASE.md"}
    assert run(tmp_path, check) == (
        False,
        "RELEASE.md does not exist; write it with `burnin release-docs`",
    )
    (tmp_path / "RELEASE.md").write_text(render_release_checklist([spec], relative_to=tmp_path))
    assert run(tmp_path, check) == (True, "RELEASE.md is up to date")
    (tmp_path / "RELEASE.md").write_text("edited by hand\n")
    assert not run(tmp_path, check)[0]


def test_burnin_exit_criteria_not_met_and_no_store(tmp_path: Path) -> None:
    from pytest_burnin.release.gate import check_burnin
    from pytest_burnin.store.sqlite import Store

    (tmp_path / "burnin.yaml").write_text(
        "apiVersion: burnin/v1\nkind: BurnIn\nmetadata: {name: soak}\n"
        'spec: {start: "2026-11-20", length: 30d, slos: [integrity]}\n'
    )
    item = make_item(tmp_path, {"type": "burnin", "name": "soak"})
    with pytest.raises(EvaluationError, match="no burn-in history store at"):
        check_burnin(item, item.check or {}, None)
    with Store(tmp_path / ".burnin" / "history.sqlite"):
        pass
    ev = check_burnin(item, item.check or {}, None)
    assert not ev.passed
    assert ev.summary.startswith("BurnIn soak: exit criteria not met: ")
    assert dict(ev.properties)["evidence.burnin"] == "soak"
    with pytest.raises(EvaluationError, match=r"no BurnIn 'other' \(defined: soak\)"):
        check_burnin(
            make_item(tmp_path, {"type": "burnin", "name": "other"}), {"name": "other"}, None
        )


def test_setting_query_must_give_one_number(tmp_path: Path) -> None:
    from pytest_burnin.promql.values import Vector

    class Source:
        def default_time(self) -> int:
            return 1000

        def query(self, expr: str, t_ms: int) -> Vector:
            return Vector()

    class Ctx:
        def source(self, name: object, near: object) -> Source:
            return Source()

    item = make_item(tmp_path, {"type": "setting", "query": "x", "at_most": 1})
    item.entry = object()  # type: ignore[assignment]
    with pytest.raises(EvaluationError, match="must give one number, got 0 series"):
        builtin_check(item, Ctx())  # type: ignore[arg-type]
