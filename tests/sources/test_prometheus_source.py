"""The ``prometheus`` source (pytest_burnin.sources.prometheus) against a real HTTP server.

Every fault is served by a stdlib HTTP server on 127.0.0.1 (a free port, in a
thread) and run through the plugin with pytester: each must be an error item
with a clear message, never a pass, and the bearer token must appear nowhere
in the output or the JUnit report.
"""

from __future__ import annotations

import base64
import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from junitparser import JUnitXml, Properties

from pytest_burnin.errors import EvaluationError
from pytest_burnin.promql.values import Matrix, Scalar, String, Vector
from pytest_burnin.sources.prometheus import PrometheusSource, _retry_after, redact_url

CANARY = "canary-s3cr3t-token"
T_ISO = "2026-11-24T12:00:00Z"
T_S = 1795521600  # T_ISO in seconds


@dataclass
class Request:
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    at: float


Reply = tuple[int, dict[str, str], bytes]
HANG: Reply = (0, {}, b"")  # the handler waits instead of answering


def ok(result_type: str, result: Any, **extra: Any) -> Reply:
    body = {"status": "success", "data": {"resultType": result_type, "result": result}, **extra}
    return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()


def vector(v: float | None) -> Reply:
    return ok("vector", [] if v is None else [{"metric": {}, "value": [T_S, repr(v)]}])


def healthy(req: Request) -> Reply:
    """A server holding 2% bad records, with data over the last 40 days."""
    q = req.params.get("query", "")
    if q == "time()":
        return ok("scalar", [T_S, str(T_S)])
    if q.startswith("min(timestamp("):  # asked at the window's start
        return vector(T_S - 14 * 86_400 - 30)
    if q.startswith("max(timestamp("):  # asked at the window's end
        return vector(T_S - 7)
    if "failed_total" in q:
        return vector(2.0)
    if "checked_total" in q:
        return vector(100.0)
    return 400, {}, b'{"status":"error","errorType":"bad_data","error":"unexpected query"}'


@dataclass
class FakeProm:
    url: str
    handler: Callable[[Request], Reply] = healthy
    requests: list[Request] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def queries(self) -> list[str]:
        return [r.params.get("query", "") for r in self.requests]


def _handler_class(fake: FakeProm) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            params = {k: v[0] for k, v in parse_qs(parts.query).items()}
            req = Request(parts.path, params, dict(self.headers), time.monotonic())
            fake.requests.append(req)
            status, headers, body = fake.handler(req)
            if status == 0:
                fake.release.wait(10)
                return
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep the test output clean

    return Handler


@contextmanager
def serve(context: ssl.SSLContext | None = None) -> Iterator[FakeProm]:
    """A FakeProm on 127.0.0.1 (a free port), stopped and joined on exit."""
    fake = FakeProm(url="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(fake))
    server.daemon_threads = True
    if context is not None:
        server.socket = context.wrap_socket(server.socket, server_side=True)
    scheme = "https" if context else "http"
    fake.url = f"{scheme}://127.0.0.1:{server.server_address[1]}/prometheus"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def fake_prom(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeProm]:
    monkeypatch.setenv("PROM_TOKEN", CANARY)
    monkeypatch.setenv("PROM_TENANT", "tenant-a")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")  # never route the test's requests elsewhere
    with serve() as fake:
        yield fake


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def source_spec(url: str, extra: str = "") -> str:
    return f"""\
apiVersion: burnin/v1
kind: Source
metadata: {{name: prom}}
spec:
  type: prometheus
  url: {url}
  bearer_token_env: PROM_TOKEN
  headers_env: {{X-Scope-OrgID: PROM_TENANT}}
  evaluation_time: "{T_ISO}"
  timeout: 2s
{extra}"""


SLO = """\
apiVersion: burnin/v1
kind: SLO
metadata: {name: integrity}
spec:
  indicator:
    ratio:
      bad: sum(increase(failed_total[{{window}}]))
      total: sum(increase(checked_total{job="x"}[{{window}}]))
  objective: {below: 0.05}
  window: 14d
"""


@dataclass
class Run:
    result: pytest.RunResult
    text: str  # stdout, stderr and the JUnit report
    props: dict[str, dict[str, str]]
    messages: dict[str, str]


def run(pytester: pytest.Pytester, url: str, extra: str = "", *args: str) -> Run:
    specs = pytester.mkdir("slo_specs")
    (specs / "source.yaml").write_text(source_spec(url, extra))
    (specs / "slos.yaml").write_text(SLO)
    xml = pytester.path / "report.xml"
    result = pytester.runpytest("--burnin", "-rA", "-p", "no:cacheprovider", f"--junitxml={xml}")
    report = xml.read_text()
    props, messages = {}, {}
    for suite in JUnitXml.fromfile(str(xml)):
        for case in suite:
            props[case.name] = {p.name: p.value for ps in case.iterchildren(Properties) for p in ps}
            messages[case.name] = case.result[0].message if case.result else ""
    text = "\n".join([*result.outlines, *result.errlines, report])
    assert CANARY not in text
    assert "Traceback" not in text
    return Run(result, text, props, messages)


def assert_errors(r: Run, *fragments: str) -> None:
    r.result.assert_outcomes(errors=2)  # the Source item and the SLO: never a pass
    for name in ("Source:prom", "SLO:integrity"):
        for fragment in fragments:
            assert fragment in r.messages[name], r.messages[name]


# -- through the plugin -------------------------------------------------------


def test_healthy_server_passes_and_sends_credentials(
    pytester: pytest.Pytester, fake_prom: FakeProm
) -> None:
    r = run(pytester, fake_prom.url)
    r.result.assert_outcomes(passed=2)
    r.result.stdout.fnmatch_lines(
        [
            "PASS  SLO integrity: 2% bad over 14d, objective < 5% (budget left 60%)",
            f"PASS  Source prom: Prometheus API {fake_prom.url} answers queries "
            "(evaluation time 2026-11-24T12:00:00Z)",
        ]
    )
    props = r.props["SLO:integrity"]
    assert float(props["measured"]) == pytest.approx(0.02)
    assert props["coverage"] == "1.0000"
    assert props["evaluated_at"] == "2026-11-24T12:00:00Z"
    assert props["source"] == f"Prometheus API {fake_prom.url}"
    assert {r.path for r in fake_prom.requests} == {"/prometheus/api/v1/query"}
    for req in fake_prom.requests:
        assert req.headers["Authorization"] == f"Bearer {CANARY}"
        assert req.headers["X-Scope-OrgID"] == "tenant-a"
    asked = [(r.params["query"], r.params["time"]) for r in fake_prom.requests]
    assert [q for q in asked if "timestamp(" in q[0]] == [  # the SLO's coverage: 2 instants
        ('min(timestamp({job="x",__name__="checked_total"}))', f"{T_S - 14 * 86_400}.000"),
        ('max(timestamp({job="x",__name__="checked_total"}))', f"{T_S}.000"),
    ]


def test_connection_refused(pytester: pytest.Pytester, fake_prom: FakeProm) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    r = run(pytester, url, "  retries: 0\n")
    assert_errors(r, f"source 'prom' (Prometheus API {url})", "connection refused")


def test_timeout_when_the_server_hangs(pytester: pytest.Pytester, fake_prom: FakeProm) -> None:
    fake_prom.handler = lambda req: HANG
    r = run(pytester, fake_prom.url, "  retries: 3\n".replace("3", "1"))
    assert_errors(r, "no answer within 2s (timeout; not retried)")
    assert len(fake_prom.requests) == 2  # one per item: a timeout is not retried


def test_http_500_is_retried_then_an_error(pytester: pytest.Pytester, fake_prom: FakeProm) -> None:
    body = b'{"status":"error","errorType":"internal","error":"storage broke"}'
    fake_prom.handler = lambda req: (500, {}, body)
    r = run(pytester, fake_prom.url, "  retries: 1\n")
    assert_errors(r, "HTTP 500 Internal Server Error: internal: storage broke (after 2 attempts)")
    assert len(fake_prom.requests) == 4


def test_503_with_retry_after_then_success(pytester: pytest.Pytester, fake_prom: FakeProm) -> None:
    def flaky(req: Request) -> Reply:
        if len(fake_prom.requests) == 1:
            return 503, {"Retry-After": "1"}, b"busy"
        return healthy(req)

    fake_prom.handler = flaky
    r = run(pytester, fake_prom.url)
    r.result.assert_outcomes(passed=2)
    first, second = fake_prom.requests[:2]
    assert first.params == second.params  # the same query, asked again
    assert second.at - first.at >= 0.9  # after the server's Retry-After, not the backoff


def test_503_forever_is_an_error(pytester: pytest.Pytester, fake_prom: FakeProm) -> None:
    fake_prom.handler = lambda req: (503, {"Retry-After": "0"}, b"unavailable")
    r = run(pytester, fake_prom.url)
    assert_errors(r, "HTTP 503 Service Unavailable (after 3 attempts)")
    assert len(fake_prom.requests) == 6


def test_malformed_json(pytester: pytest.Pytester, fake_prom: FakeProm) -> None:
    fake_prom.handler = lambda req: (200, {}, b'{"status": "success", "data": ')
    r = run(pytester, fake_prom.url)
    assert_errors(r, "HTTP 200: the answer is not JSON")


def test_answer_with_warnings_is_not_evidence(
    pytester: pytest.Pytester, fake_prom: FakeProm
) -> None:
    def partial(req: Request) -> Reply:
        status, headers, body = healthy(req)
        answer = json.loads(body)
        answer["warnings"] = ["store 10.0.0.7:10901 unavailable, partial response"]
        return status, headers, json.dumps(answer).encode()

    fake_prom.handler = partial
    r = run(pytester, fake_prom.url)
    assert_errors(
        r,
        "the server answered with warnings, so the answer may be partial and is not evidence: "
        "store 10.0.0.7:10901 unavailable",
    )


def test_empty_result_is_no_data(pytester: pytest.Pytester, fake_prom: FakeProm) -> None:
    def empty(req: Request) -> Reply:
        return vector(None) if "failed_total" in req.params.get("query", "") else healthy(req)

    fake_prom.handler = empty
    r = run(pytester, fake_prom.url)
    r.result.assert_outcomes(passed=1, errors=1)
    assert "no data: the bad query returned no series over 14d" in r.messages["SLO:integrity"]


def test_no_series_at_all_is_zero_coverage(pytester: pytest.Pytester, fake_prom: FakeProm) -> None:
    fake_prom.handler = lambda req: (
        healthy(req) if req.params["query"] == "time()" else vector(None)
    )
    r = run(pytester, fake_prom.url)
    r.result.assert_outcomes(passed=1, errors=1)
    assert "data covers 0% of the 14d window" in r.messages["SLO:integrity"]


def test_too_little_data_in_the_window(pytester: pytest.Pytester, fake_prom: FakeProm) -> None:
    def short(req: Request) -> Reply:  # a server that keeps 7 days: half the window
        q = req.params["query"]
        if q.startswith("min(timestamp("):
            return vector(None)  # nothing at the window's start
        if q.startswith("min(min_over_time("):
            assert q.endswith("[1209600s:1209600ms]))")
            return vector(T_S - 7 * 86_400)
        return healthy(req)

    fake_prom.handler = short
    r = run(pytester, fake_prom.url)
    r.result.assert_outcomes(passed=1, errors=1)
    assert "data covers 50% of the 14d window" in r.messages["SLO:integrity"]


def test_status_error(pytester: pytest.Pytester, fake_prom: FakeProm) -> None:
    body = b'{"status":"error","errorType":"bad_data","error":"1:5: parse error: bad"}'
    fake_prom.handler = lambda req: (400, {}, body)
    r = run(pytester, fake_prom.url)
    assert_errors(r, "HTTP 400: bad_data: 1:5: parse error: bad")
    assert len(fake_prom.requests) == 2  # a client error is not retried


def test_unauthorized_says_where_to_look(pytester: pytest.Pytester, fake_prom: FakeProm) -> None:
    fake_prom.handler = lambda req: (401, {}, b"Unauthorized")
    r = run(pytester, fake_prom.url)
    assert_errors(r, "HTTP 401: the answer is not JSON")


def test_missing_variable_names_it(
    pytester: pytest.Pytester, fake_prom: FakeProm, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PROM_TOKEN")
    r = run(pytester, fake_prom.url)
    assert_errors(r, "environment variable PROM_TOKEN (bearer_token_env) is not set")
    assert "slo_specs/source.yaml:" in r.messages["SLO:integrity"]
    assert fake_prom.requests == []


def test_credentials_in_url_are_refused_and_never_shown(
    pytester: pytest.Pytester, fake_prom: FakeProm
) -> None:
    url = fake_prom.url.replace("http://", f"http://admin:{CANARY}@")
    r = run(pytester, url)
    assert_errors(r, "credentials in url are not accepted", "http://***@127.0.0.1:")
    assert fake_prom.requests == []


def test_unknown_key_is_a_spec_error(pytester: pytest.Pytester, fake_prom: FakeProm) -> None:
    r = run(pytester, fake_prom.url, "  lookback_delta: 5m\n")
    r.result.stdout.fnmatch_lines(["*source.yaml:*unknown key 'lookback_delta'*"])


# -- the core, directly --------------------------------------------------------


def source(fake: FakeProm, **kw: Any) -> PrometheusSource:
    spec = {"type": "prometheus", "url": fake.url, "bearer_token_env": "PROM_TOKEN", **kw}
    return PrometheusSource.from_spec(
        "prom", spec, base_dir=Path("."), environ={"PROM_TOKEN": CANARY + "\n"}
    )


def test_result_types_are_parsed(fake_prom: FakeProm) -> None:
    answers = {
        "s": ok("scalar", [T_S + 0.5, "1.5"]),
        "str": ok("string", [T_S, "hello"]),
        "v": ok(
            "vector",
            [
                {"metric": {"__name__": "up", "job": "a", "empty": ""}, "value": [T_S, "NaN"]},
                {"metric": {"job": "b"}, "value": [T_S, "+Inf"]},
            ],
        ),
        "m": ok("matrix", [{"metric": {"job": "a"}, "values": [[T_S - 60, "1"], [T_S, "2"]]}]),
    }
    fake_prom.handler = lambda req: answers[req.params["query"]]
    src = source(fake_prom)
    t = T_S * 1000
    assert src.query("s", t) == Scalar(T_S * 1000 + 500, 1.5)
    assert src.query("str", t) == String(t, "hello")
    vec = src.query("v", t)
    assert isinstance(vec, Vector)
    assert [s.labels for s in vec] == [(("__name__", "up"), ("job", "a")), (("job", "b"),)]
    assert vec[1].v == float("inf")
    mat = src.query("m", t)
    assert isinstance(mat, Matrix)
    assert mat[0].points == [(t - 60_000, 1.0), (t, 2.0)]
    # The token was stripped of its newline and sent.
    assert fake_prom.requests[0].headers["Authorization"] == f"Bearer {CANARY}"


def test_unexpected_shapes_are_malformed_answers(fake_prom: FakeProm) -> None:
    fake_prom.handler = lambda req: ok("vector", [{"metric": {}, "histogram": [T_S, {}]}])
    with pytest.raises(EvaluationError, match="malformed answer: native histogram"):
        source(fake_prom).query("x", 0)
    fake_prom.handler = lambda req: ok("table", [])
    with pytest.raises(EvaluationError, match="unknown resultType 'table'"):
        source(fake_prom).query("x", 0)
    fake_prom.handler = lambda req: (200, {}, b'["not", "an", "object"]')
    with pytest.raises(EvaluationError, match="not a Prometheus API answer"):
        source(fake_prom).query("x", 0)


def test_secrets_never_in_repr_or_describe(fake_prom: FakeProm) -> None:
    src = PrometheusSource.from_spec(
        "prom",
        {
            "type": "prometheus",
            "url": fake_prom.url,
            "basic_auth": {"username_env": "U", "password_env": "P"},
            "headers_env": {"X-Scope-OrgID": "T"},
        },
        base_dir=Path("."),
        environ={"U": "alice", "P": CANARY, "T": "tenant-a"},
    )
    shown = repr(src) + src.describe() + repr(vars(src))
    assert CANARY not in shown
    assert "$U:$P" in repr(src)
    fake_prom.handler = lambda req: (400, {}, f'{{"status":"error","error":"{CANARY}"}}'.encode())
    with pytest.raises(EvaluationError) as info:
        src.query("x", 0)
    assert CANARY not in str(info.value)  # even a server echoing it back is scrubbed
    assert "***" in str(info.value)
    sent = fake_prom.requests[0].headers
    assert sent["Authorization"] == "Basic " + base64.b64encode(f"alice:{CANARY}".encode()).decode()
    assert sent["X-Scope-OrgID"] == "tenant-a"


def test_evaluation_time() -> None:
    def make(when: str) -> PrometheusSource:
        return PrometheusSource("p", "http://127.0.0.1:1", evaluation_time=when)

    assert make(T_ISO).default_time() == T_S * 1000
    now = make("now")
    first = now.default_time()
    assert abs(first - time.time() * 1000) < 5000
    time.sleep(0.01)
    assert now.default_time() == first  # fixed once: every SLO judged at the same instant
    with pytest.raises(EvaluationError, match="evaluation_time: end needs the data's last"):
        make("end").default_time()
    assert make("now").time_bounds() is None


def test_url_checks_and_redaction() -> None:
    assert redact_url("https://u:p@h:9/x?token=abc") == "https://***@h:9/x?token=***"
    with pytest.raises(EvaluationError, match="credentials in url are not accepted") as info:
        PrometheusSource("p", f"http://u:{CANARY}@127.0.0.1:1")
    assert CANARY not in str(info.value)
    with pytest.raises(EvaluationError, match=r"url must be http\(s\)"):
        PrometheusSource("p", "ftp://127.0.0.1/")


def test_retry_after_values() -> None:
    assert _retry_after("3") == 3.0
    assert _retry_after("-1") == 0.0
    assert _retry_after(None) is None
    assert _retry_after("soon") is None
    assert _retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a past date: now


def test_retry_after_is_capped(fake_prom: FakeProm) -> None:
    fake_prom.handler = lambda req: (429, {"Retry-After": "3600"}, b"slow down")
    src = PrometheusSource("p", fake_prom.url, retries=1, retry_after_cap_s=0.2)
    t0 = time.monotonic()
    with pytest.raises(EvaluationError, match="HTTP 429 Too Many Requests"):
        src.query("x", 0)
    assert time.monotonic() - t0 < 5


def test_both_bearer_and_basic_is_refused() -> None:
    spec = {
        "url": "http://127.0.0.1:1",
        "bearer_token_env": "A",
        "basic_auth": {"username_env": "B", "password_env": "C"},
    }
    with pytest.raises(EvaluationError, match="bearer_token_env or basic_auth, not both"):
        PrometheusSource.from_spec("p", spec, base_dir=Path("."), environ={})


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed")
def test_tls_with_a_ca_file_without_and_skipping_verification(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with serve(context) as fake:

        def make(tls: dict[str, Any]) -> PrometheusSource:
            spec = {"url": fake.url, "tls": tls, "retries": 0, "evaluation_time": T_ISO}
            return PrometheusSource.from_spec("p", spec, base_dir=tmp_path, environ={})

        assert "answers queries" in make({"ca_file": "cert.pem"}).check()
        with pytest.raises(EvaluationError, match=r"TLS error: .*CERTIFICATE_VERIFY_FAILED"):
            make({}).check()
        insecure = make({"insecure_skip_verify": True})
        assert "answers queries" in insecure.check()
        assert insecure.describe().endswith("(TLS not verified)")
        with pytest.raises(EvaluationError, match=r"tls\.ca_file: no such file 'nope\.pem'"):
            make({"ca_file": "nope.pem"})
