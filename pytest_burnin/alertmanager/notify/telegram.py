"""Telegram: the Bot API sendMessage call Alertmanager makes through telebot (notify/telegram).

telebot posts its parameters as a JSON object of strings (Go map: sorted keys).
With ``parse_mode: HTML`` (the default) the message is rendered with html/template
(values HTML-escaped); 0.26+ replaces a message over the limit instead of cutting it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..gojson import GoMap, encode
from ..template_data import V025
from .common import Context, RenderError, Request, truncate_runes, with_defaults

DEFAULT_API_URL = "https://api.telegram.org"
MAX_MESSAGE_RUNES = 4096
DEFAULTS: dict[str, Any] = {
    "send_resolved": True,
    "message": '{{ template "telegram.default.message" . }}',
    "parse_mode": "HTML",
    "disable_notifications": False,
}


def render(conf: Mapping[str, Any], ctx: Context) -> Request:
    c = with_defaults(conf, DEFAULTS)
    token = str(c.get("bot_token") or "")
    if not token:
        raise RenderError(
            "missing bot_token on telegram_config (bot_token_file is not read when rendering)"
        )
    if not c.get("chat_id"):
        raise RenderError("missing chat_id on telegram_config")
    mode = str(c["parse_mode"])
    text = ctx.html(str(c["message"])) if mode == "HTML" else ctx.text(str(c["message"]))
    if mode == "HTML" and ctx.version != V025 and len(text) > MAX_MESSAGE_RUNES:
        text = ("Alertmanager notification could not be sent: message length exceeds Telegram limits.\n"
                "\t\t\tPlease check the template used for producing the message content.")  # fmt: skip
    else:
        text = truncate_runes(text, MAX_MESSAGE_RUNES)
    ctx.check("telegram")
    params = GoMap({"chat_id": str(c["chat_id"]), "text": text, "disable_web_page_preview": "true"})
    if mode:
        params["parse_mode"] = mode
    if c.get("disable_notifications"):
        params["disable_notification"] = "true"
    if ctx.version != V025 and c.get("message_thread_id"):
        params["message_thread_id"] = str(c["message_thread_id"])
    base = str(c.get("api_url") or ctx.global_conf.get("telegram_api_url") or DEFAULT_API_URL)
    url = f"{base}/bot{token}/sendMessage"
    return Request("http", url, encode(params), {"Content-Type": "application/json"},
                   display_url=url.replace(token, "<secret>"), secrets=[token])  # fmt: skip
