"""E-mail: the SMTP message Alertmanager writes after DATA (notify/email).

Headers (To, From, Subject by default, each Q-encoded when not plain ASCII),
``Message-Id``, ``Date``, then a multipart/alternative body with a text part
(when ``text`` is set) and an HTML part (``html``, by default the built-in
e-mail), each quoted-printable. Go writes the configured headers in map order
(random); we write them sorted. Date, Message-Id and the boundary are random or
clock-dependent in Alertmanager; here they come from the caller.
"""

from __future__ import annotations

from collections.abc import Mapping
from email.utils import getaddresses
from typing import Any

from .common import Context, RenderError, Request
from .mimeenc import q_encode, quoted_printable

DEFAULT_HTML = '{{ template "email.default.html" . }}'
DEFAULT_SUBJECT = '{{ template "email.default.subject" . }}'
DEFAULTS: dict[str, Any] = {"send_resolved": False, "html": DEFAULT_HTML, "text": ""}


def canonical_header(name: str) -> str:
    """textproto.CanonicalMIMEHeaderKey: ``content-type`` -> ``Content-Type``."""
    if any(c == " " or not c.isascii() for c in name):
        return name
    return "-".join(p[:1].upper() + p[1:].lower() for p in name.split("-"))


def configured(conf: Mapping[str, Any], global_conf: Mapping[str, Any]) -> dict[str, Any]:
    if not conf.get("to"):
        raise RenderError("missing to address in email config")
    c = {**DEFAULTS, **{k: v for k, v in conf.items() if v is not None}}
    headers: dict[str, str] = {}
    for h, v in (conf.get("headers") or {}).items():
        name = canonical_header(str(h))
        if name in headers:
            raise RenderError(f"duplicate header {name!r} in email config")
        headers[name] = str(v)
    if not c.get("from"):
        if not global_conf.get("smtp_from"):
            raise RenderError("no global mail from address set")
        c["from"] = global_conf["smtp_from"]
    if not c.get("smarthost"):
        if not global_conf.get("smtp_smarthost"):
            raise RenderError("no global SMTP smarthost set")
        c["smarthost"] = global_conf["smtp_smarthost"]
    headers.setdefault("Subject", DEFAULT_SUBJECT)
    headers.setdefault("To", str(c["to"]))
    headers.setdefault("From", str(c["from"]))
    c["headers"] = headers
    return c


def _addresses(text: str, what: str) -> list[str]:
    addrs = [a for _, a in getaddresses([text]) if a]
    if not addrs:
        raise RenderError(f"parse {what!r} addresses: mail: no address")
    return addrs


def render(
    conf: Mapping[str, Any],
    ctx: Context,
    *,
    boundary: str = "0" * 60,
    date: str = "Thu, 01 Jan 1970 00:00:00 +0000",
    message_id: str = "<0.0@localhost>",
) -> Request:
    c = configured(conf, ctx.global_conf)
    sender = ctx.text(str(c["from"]))
    ctx.check("execute 'from' template")
    to = ctx.text(str(c["to"]))
    ctx.check("execute 'to' template")
    mail_from = _addresses(sender, "from")
    if len(mail_from) != 1:
        raise RenderError(f"must be exactly one 'from' address (got: {len(mail_from)})")
    rcpt = _addresses(to, "to")
    out = bytearray()
    for name in sorted(c["headers"]):
        value = ctx.text(c["headers"][name])
        ctx.check(f"execute {name!r} header template")
        out += f"{name}: {q_encode(value)}\r\n".encode()
    if "Message-Id" not in c["headers"]:
        out += f"Message-Id: {message_id}\r\n".encode()
    out += f"Date: {date}\r\n".encode()
    out += f"Content-Type: multipart/alternative;  boundary={boundary}\r\n".encode()
    out += b"MIME-Version: 1.0\r\n\r\n"
    parts: list[tuple[str, bytes]] = []
    if c.get("text"):
        body = ctx.text(str(c["text"]))
        ctx.check("execute text template")
        parts.append(("text/plain; charset=UTF-8", quoted_printable(body)))
    if c.get("html"):
        body = ctx.html(str(c["html"]))
        ctx.check("execute html template")
        parts.append(("text/html; charset=UTF-8", quoted_printable(body)))
    for i, (ctype, payload) in enumerate(parts):
        # multipart.Writer: the first delimiter has no leading CRLF; headers sorted.
        out += (b"\r\n" if i else b"") + f"--{boundary}\r\n".encode()
        out += b"Content-Transfer-Encoding: quoted-printable\r\n"
        out += f"Content-Type: {ctype}\r\n\r\n".encode()
        out += payload
    out += (b"\r\n" if parts else b"") + f"--{boundary}--\r\n".encode()
    secrets = [str(s) for s in (c.get("auth_password"), c.get("auth_secret")) if s]
    return Request("smtp", str(c["smarthost"]), bytes(out), {}, secrets=secrets,
                   envelope=(mail_from[0], rcpt))  # fmt: skip
