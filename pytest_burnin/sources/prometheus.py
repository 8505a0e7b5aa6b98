"""The ``prometheus`` metric source: instant queries through the Prometheus HTTP API.

Prometheus, Thanos, Mimir and VictoriaMetrics all serve ``/api/v1/query``, so
``url`` is a base URL that may carry a path prefix (``https://mimir/prometheus``).

Security. Credentials come from environment variables only (``bearer_token_env``,
``basic_auth.username_env``/``password_env``, ``headers_env``), so a spec file
can be committed; a ``url`` carrying ``user:password@`` is refused for the same
reason. A missing variable is an error naming the variable, never a value.
Secret values live in a ``requests`` auth object that never prints them, every
message passes through ``_scrub`` (which replaces them with ``***``), and URLs
in messages have their userinfo and query values redacted. Redirects (up to
5) are followed by ``httpio.exchange``, which sends the credentials only to the
``url``'s own origin: a server cannot forward them to another host.

Could-not-evaluate is an error, never a pass: connection refused, a timeout,
HTTP 5xx after the retries, a body that is not the API's JSON, ``status:
error`` (with its ``errorType``), and an answer that carries ``warnings``. The
last one matters: Prometheus and Thanos answer with warnings when part of the
data could not be read (a store down, a partial response), and a partial
answer is not evidence for a release gate.

Retries. ``retries`` (default 2) more attempts after the first, for connection
failures, 429 and 5xx, with exponential backoff or the server's
``Retry-After`` (capped, so a server cannot stall a CI run). A read timeout is
not retried: a server too slow for one attempt will not be faster for the next
and the run would only wait ``retries`` times longer. ``timeout`` is a
wall-clock deadline on the whole exchange (a server sending a byte a second
does not stretch it), and a circuit breaker (sources/breaker.py) makes the
rest of the run fail fast once 3 consecutive attempts could not reach it.

Time. ``evaluation_time`` is ``now`` (the default), fixed once per source so
every SLO of a run is judged at the same instant, or an RFC 3339 time. ``end``
is refused: the API has no generic way to tell the data's last sample.

Coverage. ``time_bounds()`` is None: a server's extent is not knowable in
general (retention, federation, tenants). Instead ``window_bounds(expr, t,
window)`` answers for one SLO: where the series its indicator reads (the
selectors of its ``total`` or ``query``, offsets dropped) have samples inside
the window. ``timestamp(...)`` at the window's start and at its end settles the
usual case in two cheap queries; a series absent at either end is looked for
with ``min_over_time``/``max_over_time`` over a subquery stepping 1/1000 of the
window. ``slo/evaluate.py`` uses it when a source has no time bounds, so an
SLO over 30d against a server that keeps 15d is an error (too little data),
as it is for a file. A gap in the middle of the window is not seen, as for a
file.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import math
import time
import warnings
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from ..alerting.secrets import Environment, Secret
from ..errors import EvaluationError
from ..httpio import REDIRECTS, Answer, DeadlineExceeded, exchange, guarded_session
from ..promql import ast
from ..promql.labels import labels_from
from ..promql.values import Matrix, Sample, Scalar, SeriesPoints, String, Value, Vector
from .breaker import CircuitBreaker, CircuitOpen
from .prometheus_http import (
    _auth_hint,
    _connection_reason,
    _EnvAuth,
    _http_reason,
    _is_read_timeout,
    _one_line,
    _retry_after,
    redact_url,
)

__all__ = ["PrometheusSource", "redact_url"]

DEFAULT_TIMEOUT_S = 10.0
DEFAULT_RETRIES = 2
BACKOFF_S = 0.5  # first pause; doubles each retry
RETRY_AFTER_CAP_S = 30.0  # longest pause taken, whatever the server asks
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_REDIRECTS = 5


class PrometheusSource:
    """Answers instant queries from a server that speaks the Prometheus HTTP API."""

    def __init__(
        self,
        name: str,
        url: str,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        retries: int = DEFAULT_RETRIES,
        evaluation_time: str = "now",
        auth: _EnvAuth | None = None,
        verify: bool | str = True,
        cert: tuple[str, str] | str | None = None,
        backoff_s: float = BACKOFF_S,
        retry_after_cap_s: float = RETRY_AFTER_CAP_S,
    ) -> None:
        self.name = name
        self._url = url.rstrip("/")
        self._shown = redact_url(self._url)
        self.timeout_s = timeout_s
        self.retries = retries
        self.evaluation_time = evaluation_time
        self._auth = auth
        self._verify = verify
        self._cert = cert
        self._insecure = verify is False
        self.backoff_s = backoff_s
        self.retry_after_cap_s = retry_after_cap_s
        self._now_ms: int | None = None
        # Shared by every query of this source in the run (the run caches sources).
        self.breaker = CircuitBreaker()
        parts = urlsplit(self._url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise self._error(f"url must be http(s)://host[:port][/prefix], got {self._shown!r}")
        if parts.username is not None or parts.password is not None:
            raise self._error(
                "credentials in url are not accepted (a spec file is committed); "
                "use basic_auth with username_env and password_env"
            )

    @classmethod
    def from_spec(
        cls,
        name: str,
        spec: Mapping[str, Any],
        *,
        base_dir: Path,
        environ: Mapping[str, str],
        where: Callable[[str], str] | None = None,
    ) -> PrometheusSource:
        """Build from a ``type: prometheus`` spec; secrets are read from ``environ``."""
        from ..promql.parser import parse_duration

        environ = Environment(environ)  # a local whose repr lists no value (pytest -l)

        def env(var: str, field: str) -> str:
            value = environ.get(var)
            if not value:
                at = f"{where(field)}: " if where else ""
                raise EvaluationError(
                    f"{at}source {name!r}: environment variable {var} ({field}) is not set "
                    "or is empty"
                )
            # Secret: a redacted repr, so `pytest -l` never shows these locals' values.
            raw.extend([Secret(value), Secret(value.strip())])
            return Secret(value.strip())  # a trailing newline from `$(cat file)` is not part

        if "bearer_token_env" in spec and "basic_auth" in spec:
            raise EvaluationError(
                f"source {name!r}: give bearer_token_env or basic_auth, not both "
                "(each sets the Authorization header)"
            )
        headers: dict[str, str] = {}
        origins: list[str] = []
        raw: list[str] = []
        if "bearer_token_env" in spec:
            var = spec["bearer_token_env"]
            headers["Authorization"] = Secret("Bearer " + env(var, "bearer_token_env"))
            origins.append(f"${var}")
        if "basic_auth" in spec:
            basic = spec["basic_auth"]
            user = env(basic["username_env"], "basic_auth")
            password = env(basic["password_env"], "basic_auth")
            token = Secret(base64.b64encode(f"{user}:{password}".encode()).decode("ascii"))
            headers["Authorization"] = Secret("Basic " + token)
            origins.append(f"${basic['username_env']}:${basic['password_env']}")
        for header, var in dict(spec.get("headers_env", {})).items():
            headers[str(header)] = env(var, "headers_env")
            origins.append(f"{header}=${var}")
        auth = _EnvAuth(headers, ", ".join(origins), raw) if headers else None

        tls = dict(spec.get("tls", {}))
        verify: bool | str = True
        if tls.get("insecure_skip_verify"):
            verify = False
        elif "ca_file" in tls:
            verify = str(base_dir / tls["ca_file"])
        cert: tuple[str, str] | str | None = None
        if "cert_file" in tls:
            cert_file = str(base_dir / tls["cert_file"])
            cert = (cert_file, str(base_dir / tls["key_file"])) if "key_file" in tls else cert_file
        for key in ("ca_file", "cert_file", "key_file"):
            if key in tls and not (base_dir / tls[key]).is_file():
                at = f"{where('tls')}: " if where else ""
                raise EvaluationError(
                    f"{at}source {name!r}: tls.{key}: no such file {tls[key]!r} (a relative "
                    f"path is read from the spec file's folder, {base_dir})"
                )
        timeout = spec.get("timeout")
        return cls(
            name,
            str(spec["url"]),
            timeout_s=parse_duration(timeout) / 1000 if timeout else DEFAULT_TIMEOUT_S,
            retries=int(spec.get("retries", DEFAULT_RETRIES)),
            evaluation_time=str(spec.get("evaluation_time", "now")),
            auth=auth,
            verify=verify,
            cert=cert,
        )

    def __repr__(self) -> str:
        return f"PrometheusSource({self.name!r}, {self._shown!r}, auth={self._auth!r})"

    def describe(self) -> str:
        return f"Prometheus API {self._shown}" + (" (TLS not verified)" if self._insecure else "")

    def time_bounds(self) -> tuple[int, int] | None:
        return None  # not knowable in general; see window_bounds and the module docstring

    def default_time(self) -> int:
        when = self.evaluation_time
        if when == "now":
            if self._now_ms is None:
                self._now_ms = int(time.time() * 1000)
            return self._now_ms
        if when == "end":
            raise self._error(
                "evaluation_time: end needs the data's last sample, which the Prometheus API "
                "does not tell; use now or an RFC 3339 time"
            )
        try:
            dt = datetime.fromisoformat(when.replace("Z", "+00:00"))
        except ValueError:
            raise self._error(f"evaluation_time {when!r} is not now or an RFC 3339 time") from None
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=timezone.utc)
        return round(dt.timestamp() * 1000)

    def query(self, expr: str, t_ms: int) -> Value:
        data = self._get("/api/v1/query", {"query": expr, "time": _seconds(t_ms)}, expr)
        try:
            return _to_value(data)
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise self._error(f"query {expr!r}: malformed answer: {_one_line(exc)}") from None

    def check(self) -> str:
        """Show that the API answers (the Source item: no extent to report)."""
        t_ms = self.default_time()
        value = self.query("time()", t_ms)
        if not isinstance(value, Scalar):
            raise self._error(f"time() answered a {type(value).__name__.lower()}, not a scalar")
        at = datetime.fromtimestamp(t_ms / 1000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        return f"{self.describe()} answers queries (evaluation time {at})"

    def window_bounds(self, expr: str, t_ms: int, window_ms: int) -> tuple[int, int] | None:
        """First and last sample time of ``expr``'s series inside (t - window, t], or None."""
        from ..promql.parser import parse

        selectors = list(dict.fromkeys(_render(s) for s in _selectors(parse(expr))))
        if not selectors or window_ms <= 0:
            return None
        inner = " or ".join(f"timestamp({s})" for s in selectors)
        # Cheap instant queries first: a series seen at the window's start and at its
        # end covers it. Only when one is missing, a subquery finds the first or last
        # sample inside (to 1/1000 of the window); it costs ~0.7 s on 28d of 1m data.
        sub = f"({inner})[{_duration(window_ms)}:{_duration(max(1000, window_ms // 1000))}]"
        first = self._number(f"min({inner})", t_ms - window_ms)
        if first is None:
            first = self._number(f"min(min_over_time({sub}))", t_ms)
        last = self._number(f"max({inner})", t_ms)
        if last is None:
            last = self._number(f"max(max_over_time({sub}))", t_ms)
        if first is None or last is None:
            return None
        return max(round(first * 1000), t_ms - window_ms), min(round(last * 1000), t_ms)

    def _number(self, expr: str, t_ms: int) -> float | None:
        value = self.query(expr, t_ms)
        if not isinstance(value, Vector) or not value or math.isnan(value[0].v):
            return None
        return value[0].v

    # -- HTTP ----------------------------------------------------------------

    def _get(self, path: str, params: dict[str, str], expr: str) -> Any:
        url = self._url + path
        what = f"query {expr!r}"
        reason = ""
        for attempt in range(self.retries + 1):
            try:
                self.breaker.check()
            except CircuitOpen as exc:
                raise self._error(f"{what}: {exc}") from None
            delay = self.backoff_s * 2**attempt
            try:
                answer = self._exchange(url, params)
            except DeadlineExceeded:
                self.breaker.failure(f"no answer within {self.timeout_s:g}s")
                raise self._error(
                    f"{what}: no answer within {self.timeout_s:g}s (timeout; not retried)"
                ) from None
            except requests.RequestException as exc:
                if _is_read_timeout(exc):
                    self.breaker.failure(f"no answer within {self.timeout_s:g}s")
                    raise self._error(
                        f"{what}: no answer within {self.timeout_s:g}s (timeout; not retried)"
                    ) from None
                reason = _connection_reason(exc)
                if not isinstance(exc, requests.ConnectionError):
                    raise self._error(f"{what}: {reason}") from None
                self.breaker.failure(reason)
            else:
                self.breaker.success()
                if answer.status not in _RETRY_STATUSES:
                    return self._decode(answer, what)
                reason = _http_reason(answer)
                if answer.status in (429, 503):
                    asked = _retry_after(answer.headers.get("Retry-After"))
                    delay = delay if asked is None else asked
            if attempt < self.retries and not self.breaker.is_open:
                time.sleep(min(delay, self.retry_after_cap_s))
        tries = self.retries + 1
        raise self._error(f"{what}: {reason} (after {tries} attempt{'s' * (tries > 1)})")

    def _exchange(self, url: str, params: dict[str, str]) -> Answer:
        # A session per request: nothing stays open between queries, so no socket
        # outlives the run (a few ms a query against a local server). Redirects are
        # followed by exchange(), which sends the credentials to this origin only.
        with warnings.catch_warnings(), guarded_session() as session:
            if self._insecure:  # the user chose it; one warning per request is noise
                warnings.simplefilter("ignore")
            return exchange(
                session,
                "GET",
                url,
                params=params,
                timeout=self.timeout_s,
                deadline=self.timeout_s,
                follow=MAX_REDIRECTS,
                credentials={"auth": self._auth, "cert": self._cert},
                verify=self._verify,
            )

    def _decode(self, resp: Answer, what: str) -> Any:
        if resp.status in REDIRECTS:
            to = redact_url(resp.headers.get("Location", ""))
            raise self._error(
                f"{what}: HTTP {resp.status} redirect to {to!r} not followed "
                f"(more than {MAX_REDIRECTS} redirects); point url at the final address"
            )
        try:
            body = json.loads(resp.body)
        except ValueError:
            snippet = resp.text()[:80].replace("\n", " ")
            raise self._error(
                f"{what}: HTTP {resp.status}: the answer is not JSON: {snippet!r}"
            ) from None
        if not isinstance(body, dict) or body.get("status") not in ("success", "error"):
            raise self._error(f"{what}: HTTP {resp.status}: not a Prometheus API answer")
        if body["status"] == "error":
            raise self._error(
                f"{what}: HTTP {resp.status}: {body.get('errorType', 'error')}: "
                f"{body.get('error', '(no message)')}{_auth_hint(resp.status)}"
            )
        if resp.status != 200:
            raise self._error(f"{what}: HTTP {resp.status}{_auth_hint(resp.status)}")
        if body.get("warnings"):
            raise self._error(
                f"{what}: the server answered with warnings, so the answer may be partial "
                f"and is not evidence: {'; '.join(map(str, body['warnings']))}"
            )
        if "data" not in body:
            raise self._error(f"{what}: malformed answer: no data")
        return body["data"]

    def _error(self, message: str) -> EvaluationError:
        text = f"source {self.name!r} ({self.describe()}): {message}"
        auth: _EnvAuth | None = getattr(self, "_auth", None)
        for secret in auth.secrets() if auth else ():
            text = text.replace(secret, "***")
        return EvaluationError(text)


def _seconds(t_ms: int) -> str:
    return f"{t_ms // 1000}.{t_ms % 1000:03d}"


def _ms(t: Any) -> int:
    return round(float(t) * 1000)


def _to_value(data: Any) -> Value:
    kind, result = data["resultType"], data["result"]
    if kind == "scalar":
        return Scalar(_ms(result[0]), float(result[1]))
    if kind == "string":
        return String(_ms(result[0]), str(result[1]))
    if kind == "vector":
        out = Vector()
        for item in result:
            if "value" not in item:  # a native histogram ("histogram"): out of scope
                raise ValueError("native histogram samples are not supported")
            t, v = item["value"]
            out.append(Sample(labels_from(item["metric"]), _ms(t), float(v)))
        return out
    if kind == "matrix":
        matrix = Matrix()
        for item in result:
            points = [(_ms(t), float(v)) for t, v in item.get("values", [])]
            if not points and "histograms" in item:
                raise ValueError("native histogram samples are not supported")
            matrix.append(SeriesPoints(labels_from(item["metric"]), points))
        return matrix
    raise ValueError(f"unknown resultType {kind!r}")


def _duration(ms: int) -> str:
    return f"{ms // 1000}s" if ms % 1000 == 0 else f"{ms}ms"


def _selectors(node: object) -> Iterator[ast.VectorSelector]:
    if isinstance(node, ast.VectorSelector):
        yield node
        return
    if isinstance(node, list):
        for item in node:
            yield from _selectors(item)
    elif dataclasses.is_dataclass(node) and isinstance(node, ast.Expr):
        for f in dataclasses.fields(node):
            yield from _selectors(getattr(node, f.name))


def _render(sel: ast.VectorSelector) -> str:
    """The selector without offset or @: coverage looks at the window itself."""
    matchers = [f"{m.name}{m.type.value}{json.dumps(m.value)}" for m in sel.matchers]
    if sel.name is not None and not any(m.name == "__name__" for m in sel.matchers):
        matchers.insert(0, f"__name__={json.dumps(sel.name)}")
    return "{" + ",".join(matchers) + "}"
