"""``burnin routes test|show`` print what ``amtool config routes`` prints and exit the same way."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pytest_burnin.cli import main

from .conftest import AMTOOL, AMTOOL_033, CORPUS

CONFIG = """\
route:
  receiver: default
  routes:
    - match_re: {test: '^[12]$'}
      receiver: test1
      continue: true
      routes:
        - matchers: ['env="prod"']
          receiver: prod
    - match: {test: '2'}
      receiver: test2
receivers: [{name: default}, {name: test1}, {name: test2}, {name: prod}]
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "alertmanager.yml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_routes_test_prints_receivers_and_tree(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, "routes", "test", "--config", str(config), "test=2", 'env="prod"')
    assert (code, out) == (0, "prod,test2\n")
    code, out, _ = _run(capsys, "routes", "test", "--config", str(config), "--tree", "test=2")
    assert code == 0
    assert out == (
        "Matching routes:\n.\n└── default-route\n"
        '    ├── {test=~"^(?:^[12]$)$"}  receiver: test1\n'
        '    └── {test="2"}  receiver: test2\n\n\ntest1,test2\n'
    )


def test_verify_receivers_mismatch_exits_1(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["routes", "test", "--config", str(config), "--verify-receivers"]
    assert _run(capsys, *argv, "test1,test2", "test=2")[0] == 0
    code, out, _ = _run(capsys, *argv, "test2", "test=2")
    assert code == 1
    assert out == "test1,test2\nWARNING: Expected receivers did not match resolved receivers.\n"


def test_bad_labels_and_bad_config_exit_1_with_the_reason(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, "routes", "test", "--config", str(config), "test=~2")
    assert (code, out) == (1, "")
    assert "labels must be specified as key=value pairs" in err
    bad = tmp_path / "bad.yml"
    bad.write_text("route:\n  receiver: x\n", encoding="utf-8")
    code, out, err = _run(capsys, "routes", "show", "--config", str(bad))
    assert (code, out) == (1, "")
    assert f'{bad}:2:3: undefined receiver "x" used in route' in err
    assert "Traceback" not in err


def test_routes_show_equals_recorded_amtool_tree(capsys: pytest.CaptureFixture[str]) -> None:
    tree = CORPUS / "prometheus-alertmanager" / "config" / "testdata" / "conf.good.yml.tree.txt"
    if not tree.exists():
        pytest.skip(f"corpus {CORPUS} is absent")
    code, out, _ = _run(
        capsys, "routes", "show", "--config", str(tree.with_suffix("").with_suffix(""))
    )
    assert (code, out) == (0, tree.read_text(encoding="utf-8"))


def _amtool(*args: str) -> tuple[int, str]:
    assert AMTOOL is not None
    done = subprocess.run([AMTOOL, *args], capture_output=True, text=True, timeout=30, check=False)
    return done.returncode, done.stdout


@pytest.mark.differential
@pytest.mark.skipif(AMTOOL is None, reason="amtool is not installed")
@pytest.mark.parametrize(
    "labels",
    [["test=2"], ["test=1", "env=prod"], ["test=2", "env=prod"], ["x=y"], []],
)
@pytest.mark.parametrize("verify", ["", "test1,test2", "default"])
def test_routes_test_equals_live_amtool(
    config: Path, capsys: pytest.CaptureFixture[str], labels: list[str], verify: str
) -> None:
    extra = [f"--verify.receivers={verify}"] if verify else []
    theirs = _amtool(
        "config", "routes", "test", f"--config.file={config}", "--tree", *extra, *labels
    )
    code, out, _ = _run(
        capsys, "routes", "test", "--config", str(config), "--tree", *extra, *labels
    )
    assert (code, out) == theirs
    assert _run(capsys, "routes", "show", "--config", str(config))[:2] == _amtool(
        "config", "routes", f"--config.file={config}"
    )


EXAMPLE = Path(__file__).resolve().parents[2] / "slo_specs" / "config" / "alertmanager.yml"


@pytest.mark.differential
@pytest.mark.skipif(AMTOOL is None, reason="amtool is not installed")
@pytest.mark.parametrize(
    "labels",
    [
        [
            "alertname=IntegrityRateHigh",
            "severity=page",
            "service=activity-ingest",
            "channel=ingest-oncall",
        ],
        [
            "alertname=PrivacyViolation",
            "severity=page",
            "service=activity-ingest",
            "channel=privacy-oncall",
        ],
        [
            "alertname=IngestionFailures",
            "severity=ticket",
            "service=activity-ingest",
            "channel=ingest-oncall",
        ],
        ["alertname=Other", "severity=page"],
    ],
)
def test_example_config_equals_live_amtool(
    capsys: pytest.CaptureFixture[str], labels: list[str]
) -> None:
    theirs = _amtool("config", "routes", "test", f"--config.file={EXAMPLE}", "--tree", *labels)
    assert _run(capsys, "routes", "test", "--config", str(EXAMPLE), "--tree", *labels)[:2] == theirs
    show = _amtool("config", "routes", f"--config.file={EXAMPLE}")
    assert _run(capsys, "routes", "show", "--config", str(EXAMPLE))[:2] == show


@pytest.mark.differential
@pytest.mark.skipif(AMTOOL_033 is None, reason="BURNIN_AMTOOL_033 is not set (amtool 0.33.1)")
@pytest.mark.parametrize("verify", ["", "test1,test2", "default"])
def test_routes_equal_live_amtool_0_33(
    config: Path, capsys: pytest.CaptureFixture[str], verify: str
) -> None:
    assert AMTOOL_033 is not None
    extra = [f"--verify.receivers={verify}"] if verify else []
    args = ["config", "routes", "test", f"--config.file={config}", "--tree", *extra, "test=2"]
    done = subprocess.run(
        [AMTOOL_033, *args], capture_output=True, text=True, timeout=30, check=False
    )
    ours = _run(
        capsys,
        "routes",
        "test",
        "--config",
        str(config),
        "--tree",
        "--amtool-version",
        "0.33",
        *extra,
        "test=2",
    )
    assert ours[:2] == (done.returncode, done.stdout)
    show = subprocess.run(
        [AMTOOL_033, "config", "routes", f"--config.file={config}"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert _run(capsys, "routes", "show", "--config", str(config), "--amtool-version", "0.33")[
        :2
    ] == (0, show.stdout)
