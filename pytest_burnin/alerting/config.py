"""Channels from ``kind: Channel`` specs: the mapping under ``spec`` becomes a Channel.

Schema validation (spec/schemas/channel.schema.yaml) runs first in the plugin;
this module turns validated values into objects and re-checks what it relies
on, so the core is safe to call with a hand-written mapping too.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..promql.lexer import parse_duration
from .channels import (
    AlertmanagerChannel,
    Channel,
    FileChannel,
    HttpChannel,
    Policy,
    SlackChannel,
    WebhookChannel,
)
from .smtp import EmailChannel

HTTP_TYPES: dict[str, type[HttpChannel]] = {
    "webhook": WebhookChannel,
    "slack": SlackChannel,
    "alertmanager": AlertmanagerChannel,
}
TYPES = (*HTTP_TYPES, "email", "file")


class ChannelSpecError(ValueError):
    """A spec value the core cannot use; ``path`` is the key path under ``spec``."""

    def __init__(self, path: tuple[str, ...], message: str) -> None:
        self.path = path
        super().__init__(message)


def seconds(value: Any, key: str) -> float:
    """A duration: a number of seconds or a Prometheus duration string (500ms, 2m)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ChannelSpecError((key,), f"{key}: expected a duration such as 10s, got {value!r}")
    if isinstance(value, str):
        try:
            result = parse_duration(value) / 1000
        except ValueError as exc:
            raise ChannelSpecError((key,), f"{key}: {exc}") from None
    else:
        result = float(value)
    if not result > 0:
        raise ChannelSpecError((key,), f"{key}: must be more than 0")
    return result


def policy_from_spec(spec: Mapping[str, Any]) -> Policy:
    defaults = Policy()
    kwargs: dict[str, Any] = {}
    for key in ("timeout", "backoff", "max_backoff", "retry_after_cap", "deadline"):
        if key in spec:
            kwargs[key] = seconds(spec[key], key)
    if "retries" in spec:
        retries = spec["retries"]
        if isinstance(retries, bool) or not isinstance(retries, int) or not 0 <= retries <= 10:
            raise ChannelSpecError(("retries",), f"retries: expected 0..10, got {retries!r}")
        kwargs["retries"] = retries
    policy = Policy(**{**defaults.__dict__, **kwargs})
    return policy


def _text(spec: Mapping[str, Any], key: str, default: str | None = None) -> str:
    value = spec.get(key, default)
    if value is None:
        raise ChannelSpecError((key,), f"'{key}' is required for type {spec.get('type')}")
    if not isinstance(value, str):
        raise ChannelSpecError((key,), f"{key}: expected a string, got {type(value).__name__}")
    return value


def _host(spec: Mapping[str, Any]) -> str:
    """The SMTP host, checked now: a bad name (``mail..example.com``) would
    otherwise surface as a UnicodeError at the first delivery."""
    host = _text(spec, "host")
    if "${" in host:
        return host  # resolved at delivery; checked there
    name = host.strip().rstrip(".")
    try:
        ok = bool(name) and all(0 < len(label) <= 63 for label in name.split("."))
        name.encode("idna")
    except UnicodeError:
        ok = False
    if not ok:
        raise ChannelSpecError(
            ("host",), f"host: {host!r} is not a valid host name (empty or over-long label)"
        )
    return host


def _ca_file(spec: Mapping[str, Any], base_dir: Path | None) -> str:
    value = _text(spec, "ca_file", "")
    if not value or base_dir is None:
        return value
    path = base_dir / value
    if not path.is_file():
        raise ChannelSpecError(
            ("ca_file",),
            f"ca_file: no such file {value!r} (a relative path is read from the spec "
            f"file's folder, {base_dir})",
        )
    return str(path)


def build_channel(
    name: str,
    spec: Mapping[str, Any],
    *,
    env: Mapping[str, str] | None = None,
    base_dir: Path | None = None,
) -> Channel:
    """The channel a ``kind: Channel`` spec describes.

    ``base_dir`` is the spec file's folder: a relative ``ca_file`` is read from
    there (not from the working directory), and a missing one is an error here.

    ``env`` is read at each delivery (default: ``os.environ`` as it is then);
    nothing is resolved here, so a spec can be built where its secrets are not
    set (``burnin validate``). Call ``channel.check()`` to require them.
    """
    kind = spec.get("type")
    policy = policy_from_spec(spec)
    base = _text(spec, "runbook_base_url", "")
    if kind in HTTP_TYPES:
        headers = spec.get("headers") or {}
        if not isinstance(headers, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
        ):
            raise ChannelSpecError(("headers",), "headers: expected a mapping of strings")
        return HTTP_TYPES[kind](
            name,
            _text(spec, "url"),
            policy=policy,
            headers=dict(headers),
            runbook_base_url=base,
            external_url=_text(spec, "external_url", ""),
            env=env,
        )
    if kind == "email":
        to = spec.get("to")
        listed = to.split(",") if isinstance(to, str) else list(to or [])
        recipients = [str(r).strip() for r in listed if str(r).strip()]
        port = spec.get("port", 587)
        if isinstance(port, bool) or not isinstance(port, int):
            raise ChannelSpecError(("port",), f"port: expected an integer, got {port!r}")
        ca_file = _ca_file(spec, base_dir)
        try:
            return EmailChannel(
                name,
                host=_host(spec),
                port=port,
                sender=_text(spec, "from"),
                to=recipients,
                starttls=bool(spec.get("starttls", True)),
                username=_text(spec, "username", ""),
                password=_text(spec, "password", ""),
                ca_file=ca_file,
                subject_prefix=_text(spec, "subject_prefix", ""),
                runbook_base_url=base,
                policy=policy,
                env=env,
            )
        except ValueError as exc:
            raise ChannelSpecError((), str(exc)) from None
    if kind == "file":
        return FileChannel(name, _text(spec, "path"), policy=policy, runbook_base_url=base, env=env)
    raise ChannelSpecError(("type",), f"type: expected one of {', '.join(TYPES)}, got {kind!r}")


def channel_from_document(
    doc: Mapping[str, Any], *, env: Mapping[str, str] | None = None
) -> Channel:
    """A channel from a whole ``apiVersion: burnin/v1, kind: Channel`` document."""
    if doc.get("kind") != "Channel":
        raise ChannelSpecError((), f"expected kind: Channel, got {doc.get('kind')!r}")
    name = doc.get("metadata", {}).get("name")
    if not isinstance(name, str) or not name:
        raise ChannelSpecError((), "metadata.name is required")
    return build_channel(name, doc.get("spec") or {}, env=env)
