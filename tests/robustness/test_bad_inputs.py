"""Every bad input a user can write is a located error, in the run and in ``burnin validate``.

Each case under ``bad_inputs/`` is a folder laid over the good project in
``bad_inputs/_base/`` (a Source, an SLO, a Channel, a rule file, its promtool
test and a Routing spec, all passing). Its ``expect.txt`` says which file is
bad and what the error must say::

    file: slo_specs/bad.yaml        the bad file, as the error must name it
    expect: unknown key 'objectve'  a fragment of the error's headline
    commands: rules | docs          other ``burnin`` commands that must refuse it too
    warns: flush                    commands that name it and go on (exit status free):
                                    ``burnin flush`` still delivers past a broken spec
    alone: base SLO good-slo        run apart from the other cases; the base items
                                    named after ``base`` (if any, or ``all``) need not pass

For each case ``pytest --burnin`` (in-process) and ``burnin validate`` must
both give ``file:line: ...`` with the fragment, the very same headline, no
Python traceback, and a non-zero exit; every good item of the base still
passes. To stay fast, the cases that do not need a project of their own are
laid out together and run once (their names do not collide); each still
checks its own error.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pytest_burnin.cli import main
from tests.conftest import SMALL_DATA

HERE = Path(__file__).resolve().parent / "bad_inputs"
BASE = HERE / "_base"
# What the base shows when it passes: the burn-in summary's PASS lines.
BASE_ITEMS = (
    "Source small",
    "SLO good-slo",
    "Channel team-file",
    "Rule HighErrors",
    "promtool test 0",
    "Routing good-routing:pages-reach-the-pager",
)
SHARED = "shared"

# Cases whose defect is not fixed yet: kept, and skipped with the reason, so the
# skip is removed when the fix lands.
KNOWN: dict[str, str] = {
    "notify-am-template-error": "known: a Go-template error in a receiver field of "
    "alertmanager.yml is found only when rendering (as Alertmanager does), and "
    "'burnin notify render' names the file without a line (alertmanager/notify/render.py)",
    "checklist-unknown-check-type": "known: validate cannot tell a plugin's evidence type "
    "from a typo (plugins answer through a pytest hook; release/kind.py); the run's error is located",
    "source-unknown-type": "known: validate cannot tell a plugin's source type from a typo "
    "(pytest_burnin_make_source); the run's error is located",
    "source-corrupt-data-file": "known: a data file's parse error names the absolute "
    "data-file path, not the Source's file:line, and validate does not read data files",
}

TRACEBACK = re.compile(
    r'Traceback \(most recent call last\)|File "[^"]+\.py", line \d+|INTERNALERROR'
)


@dataclass(frozen=True)
class Case:
    name: str
    file: str
    expect: str
    group: str
    commands: tuple[tuple[str, ...], ...] = ()
    warns: tuple[tuple[str, ...], ...] = ()
    broken_base: tuple[str, ...] = field(default=())


def load_case(folder: Path) -> Case:
    """The case's expect.txt: ``key: value`` lines, ``#`` comments."""
    values: dict[str, str] = {}
    for raw in (folder / "expect.txt").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise ValueError(f"{folder}/expect.txt: not 'key: value': {raw!r}")
        values[key.strip()] = value.strip()
    commands = tuple(tuple(c.split()) for c in values.get("commands", "").split("|") if c.strip())
    warns = tuple(tuple(c.split()) for c in values.get("warns", "").split("|") if c.strip())
    alone = values.get("alone")
    broken = ()
    if alone == "base all":  # e.g. a bad ini value: nothing runs
        broken = BASE_ITEMS
    elif alone and alone.startswith("base "):
        broken = tuple(b.strip() for b in alone[len("base ") :].split(","))
    return Case(
        name=folder.name,
        file=values["file"],
        expect=values["expect"],
        group=folder.name if alone is not None else SHARED,
        commands=commands,
        warns=warns,
        broken_base=broken,
    )


ALL_CASES = [
    load_case(p) for p in sorted(HERE.iterdir()) if p.is_dir() and not p.name.startswith("_")
]


def _params() -> list[object]:
    return [
        pytest.param(
            case,
            id=case.name,
            marks=[pytest.mark.skip(reason=KNOWN[case.name])] if case.name in KNOWN else [],
        )
        for case in ALL_CASES
    ]


@dataclass
class GroupRun:
    """What pytest and ``burnin validate`` said over one laid-out group."""

    run_code: int
    run_out: str
    validate_code: int
    validate_out: str


_RUNS: dict[str, GroupRun] = {}


def lay_out(root: Path, cases: list[Case]) -> None:
    """The good project, then each case's files over it."""
    shutil.copytree(BASE, root, dirs_exist_ok=True)
    (root / "slo_specs" / "data.om").write_text(SMALL_DATA)
    for case in cases:
        for path in (HERE / case.name).rglob("*"):
            if path.is_file() and path.name != "expect.txt":
                target = root / path.relative_to(HERE / case.name)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)


def run_command(capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]) -> tuple[int, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse's own usage errors
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out + err


def group_run(
    case: Case,
    pytester: pytest.Pytester,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> GroupRun:
    """The case's group, run once per test session (and per xdist worker)."""
    if case.group in _RUNS:
        return _RUNS[case.group]
    members = [c for c in ALL_CASES if c.group == case.group and c.name not in KNOWN]
    lay_out(pytester.path, members)
    result = pytester.runpytest("--burnin", "-rA", "-p", "no:cacheprovider")
    run_out = result.stdout.str() + "\n" + result.stderr.str()
    capsys.readouterr()  # what the in-process run printed around pytester's capture
    monkeypatch.chdir(pytester.path)
    validate_code, validate_out = run_command(capsys, ("validate",))
    _RUNS[case.group] = GroupRun(result.ret, run_out, validate_code, validate_out)
    return _RUNS[case.group]


def located(case: Case, text: str) -> list[str]:
    """Every ``file:line[:col]: ...`` headline in ``text`` naming the case's file and fragment."""
    pattern = re.compile(r"(?<![\w/.-])" + re.escape(case.file) + r":\d+(?::\d+)?: .*")
    return [m.group(0).rstrip() for m in pattern.finditer(text) if case.expect in m.group(0)]


def assert_no_traceback(what: str, text: str) -> None:
    found = TRACEBACK.search(text)
    assert found is None, f"{what} shows a Python traceback ({found.group(0)!r}):\n{text}"


def test_every_case_says_what_it_expects() -> None:
    """The data folder is well formed: each case has a bad file and a fragment to find."""
    assert len(ALL_CASES) >= 50
    for case in ALL_CASES:
        assert (HERE / case.name / case.file).is_file(), case
        assert case.expect, case


@pytest.mark.parametrize("case", _params())
def test_a_bad_input_is_a_located_error_everywhere(
    case: Case,
    pytester: pytest.Pytester,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run = group_run(case, pytester, capsys, monkeypatch)

    # pytest --burnin: located, no traceback, non-zero, the good items still pass.
    assert_no_traceback("pytest --burnin", run.run_out)
    assert run.run_code != 0, run.run_out
    run_headlines = located(case, run.run_out)
    assert run_headlines, f"no '{case.file}:LINE: ...{case.expect}...' in the run:\n{run.run_out}"
    for item in BASE_ITEMS:
        if item not in case.broken_base:
            assert re.search(rf"^PASS  {re.escape(item)}:", run.run_out, re.M), (
                f"the good item {item} no longer passes:\n{run.run_out}"
            )

    # burnin validate: the same error, word for word.
    assert_no_traceback("burnin validate", run.validate_out)
    assert run.validate_code != 0, run.validate_out
    validate_headlines = located(case, run.validate_out)
    assert validate_headlines, (
        f"no '{case.file}:LINE: ...{case.expect}...' from validate:\n{run.validate_out}"
    )
    assert set(validate_headlines) & set(run_headlines), (
        f"validate and the run differ:\nvalidate: {validate_headlines}\nrun: {run_headlines}"
    )

    # The other commands stop at the first bad file: each sees this case alone.
    alone = pytester.path / "alone"
    lay_out(alone, [case])
    monkeypatch.chdir(alone)
    for argv in (*case.commands, *case.warns):
        code, out = run_command(capsys, argv)
        what = f"burnin {' '.join(argv)}"
        assert_no_traceback(what, out)
        assert code != 0 or argv in case.warns, f"{what} exited 0:\n{out}"
        assert located(case, out), (
            f"{what} gives no '{case.file}:LINE: ...{case.expect}...':\n{out}"
        )
