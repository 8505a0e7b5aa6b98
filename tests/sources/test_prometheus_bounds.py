"""Issue 12, items 10 and 12: a wall-clock deadline per query, a circuit breaker
per source, and credentials that never follow a redirect to another host."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_burnin.errors import EvaluationError
from pytest_burnin.sources.prometheus import PrometheusSource
from tests.httpfaults import (
    Server,
    closed_port,
    elapsed,
    json_answer,
    redirect,
    second_loopback,
    trickle,
)

SCALAR = {"status": "success", "data": {"resultType": "scalar", "result": [1, "1"]}}
CANARY = "canary-7f3e-never-print-me"


def source(url: str, tmp_path: Path, **spec: object) -> PrometheusSource:
    return PrometheusSource.from_spec(
        "prom",
        {"type": "prometheus", "url": url, **spec},
        base_dir=tmp_path,
        environ={"TOKEN": CANARY, "TENANT": "tenant-" + CANARY, "KEY": "key-" + CANARY},
    )


@pytest.mark.parametrize("in_headers", [False, True], ids=["slow-body", "slow-headers"])
def test_a_server_sending_a_byte_a_second_is_cut_at_the_timeout(
    tmp_path: Path, in_headers: bool
) -> None:
    with Server(trickle(in_headers=in_headers)) as server:
        src = source(server.url, tmp_path, timeout="2s", retries=2)
        took, out = elapsed(lambda: src.query("up", 0))
    assert isinstance(out, EvaluationError)
    assert "no answer within 2s" in str(out)
    assert took < 4.0, f"one query took {took:.1f}s with timeout: 2s"


def test_a_down_server_opens_the_breaker_and_later_queries_fail_at_once(tmp_path: Path) -> None:
    src = source(f"http://127.0.0.1:{closed_port()}", tmp_path, retries=2)
    src.backoff_s = 0.01
    first = elapsed(lambda: src.query("up", 0))[1]
    assert "connection refused (after 3 attempts)" in str(first)
    took, later = elapsed(lambda: src.query("up", 0))
    assert isinstance(later, EvaluationError)
    text = str(later)
    assert "not queried: 3 consecutive attempts could not reach the server" in text
    assert "(first: connection refused)" in text and "source 'prom'" in text
    assert took < 0.05


def test_an_answer_closes_the_breaker_again(tmp_path: Path) -> None:
    with Server(json_answer(SCALAR)) as server:
        src = source(server.url, tmp_path)
        src.breaker.failure("connection refused")
        src.breaker.failure("connection refused")
        assert src.query("1", 0) is not None
        assert not src.breaker.is_open
        src.breaker.failure("x")
        src.breaker.failure("x")
        assert not src.breaker.is_open  # consecutive failures only


@pytest.fixture
def other_host() -> str:
    host = second_loopback()
    if host is None:
        pytest.skip("127.0.0.2 is not routable here; needed for a second host")
    return host


@pytest.mark.parametrize(
    "auth",
    [
        {"bearer_token_env": "TOKEN"},
        {"basic_auth": {"username_env": "KEY", "password_env": "TOKEN"}},
        {"headers_env": {"X-Scope-OrgID": "TENANT", "X-Api-Key": "KEY"}},
    ],
    ids=["bearer", "basic", "headers_env"],
)
def test_credentials_never_reach_another_host_on_redirect(
    tmp_path: Path, other_host: str, auth: dict[str, object]
) -> None:
    with (
        Server(json_answer(SCALAR), host=other_host) as elsewhere,
        Server(redirect(elsewhere.url + "/api/v1/query?query=1&time=0")) as prom,
    ):
        src = source(prom.url, tmp_path, **auth)
        value = src.query("1", 0)
    assert value is not None  # the redirect was followed, without credentials
    sent_first = prom.seen[0].headers
    assert any(CANARY in v or "Basic" in v for v in sent_first.values())
    assert elsewhere.seen, "the redirect was not followed"
    leaked = {k: v for s in elsewhere.seen for k, v in s.headers.items()}
    assert "Authorization" not in leaked
    assert "X-Scope-OrgID" not in leaked and "X-Api-Key" not in leaked
    assert not any(CANARY in v for v in leaked.values())


def test_credentials_follow_a_redirect_on_the_same_origin(tmp_path: Path) -> None:
    # One server answering both: first a relative redirect, then the answer.
    hops = iter([redirect("/prefix/api/v1/query?query=1&time=0"), json_answer(SCALAR)])

    def answer(h, server):  # type: ignore[no-untyped-def]
        next(hops)(h, server)

    with Server(answer) as prom:
        src = source(prom.url, tmp_path, headers_env={"X-Api-Key": "KEY"})
        src.query("1", 0)
    assert [s.headers.get("X-Api-Key") for s in prom.seen] == ["key-" + CANARY] * 2
    assert prom.seen[1].path.startswith("/prefix/")


def test_a_redirect_loop_is_a_clear_error(tmp_path: Path) -> None:
    def answer(h, server):  # type: ignore[no-untyped-def]
        redirect(server.url + "/again")(h, server)

    with Server(answer) as prom:
        out = elapsed(lambda: source(prom.url, tmp_path).query("1", 0))[1]
    assert isinstance(out, EvaluationError)
    assert "redirect" in str(out) and "not followed (more than 5 redirects)" in str(out)


def test_a_missing_ca_file_is_located_and_read_from_the_spec_folder(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    with pytest.raises(EvaluationError) as err:
        PrometheusSource.from_spec(
            "prom",
            {"type": "prometheus", "url": "https://127.0.0.1:1", "tls": {"ca_file": "ca.pem"}},
            base_dir=specs,
            environ={},
            where=lambda field: f"specs/source.yaml:7 ({field})",
        )
    text = str(err.value)
    assert text.startswith("specs/source.yaml:7 (tls): source 'prom': tls.ca_file: no such file")
    assert f"read from the spec file's folder, {specs}" in text
    (specs / "ca.pem").write_text("x")
    src = PrometheusSource.from_spec(
        "prom",
        {"type": "prometheus", "url": "https://127.0.0.1:1", "tls": {"ca_file": "ca.pem"}},
        base_dir=specs,
        environ={},
    )
    assert src._verify == str(specs / "ca.pem")


def test_a_down_server_costs_one_items_retries_not_every_items(pytester: pytest.Pytester) -> None:
    specs = pytester.mkdir("slo_specs")
    (specs / "source.yaml").write_text(
        "apiVersion: burnin/v1\nkind: Source\nmetadata: {name: prom}\nspec:\n"
        f"  type: prometheus\n  url: http://127.0.0.1:{closed_port()}\n"
        '  evaluation_time: "2026-11-28T00:00:00Z"\n'
    )
    slo = (
        "apiVersion: burnin/v1\nkind: SLO\nmetadata: {{name: {name}}}\nspec:\n"
        "  source: prom\n  indicator:\n    ratio:\n"
        "      bad: sum(rate(failed_total[5m]))\n      total: sum(rate(checked_total[5m]))\n"
        "  objective: {{below: 0.05}}\n  window: 1d\n"
    )
    (specs / "slos.yaml").write_text("---\n".join(slo.format(name=f"slo-{i}") for i in range(5)))
    result = pytester.runpytest("--burnin", "-rA", "-p", "no:randomly")
    text = result.stdout.str()
    assert result.ret != 0 and "passed" not in result.parseoutcomes()
    assert "connection refused (after 3 attempts)" in text
    assert text.count("not queried: 3 consecutive attempts could not reach the server") >= 4
