"""What each part of ``alertmanager.yml`` accepts (the union of 0.25-0.33), its defaults,
and the receiver checks ``config.go`` makes most often, in its words."""

from __future__ import annotations

from typing import Any

INTEGRATION_TYPES = (
    "discord", "email", "incidentio", "jira", "mattermost", "msteams", "msteamsv2",
    "opsgenie", "pagerduty", "pushover", "rocketchat", "slack", "sns", "telegram",
    "victorops", "webex", "webhook", "wechat",
)  # fmt: skip
GLOBAL_DEFAULTS: dict[str, Any] = {
    "resolve_timeout": "5m",
    "smtp_hello": "localhost",
    "smtp_require_tls": True,
    "pagerduty_url": "https://events.pagerduty.com/v2/enqueue",
    "opsgenie_api_url": "https://api.opsgenie.com/",
    "wechat_api_url": "https://qyapi.weixin.qq.com/cgi-bin/",
    "victorops_api_url": "https://alert.victorops.com/integrations/generic/20131114/alert/",
    "telegram_api_url": "https://api.telegram.org",
    "webex_api_url": "https://webexapis.com/v1/messages",
}
TOP_FIELDS = (
    "global",
    "route",
    "inhibit_rules",
    "receivers",
    "templates",
    "mute_time_intervals",
    "time_intervals",
    "tracing",
    "event_recorder",
)
ROUTE_FIELDS = (
    "receiver",
    "group_by",
    "match",
    "match_re",
    "matchers",
    "mute_time_intervals",
    "active_time_intervals",
    "continue",
    "routes",
    "group_wait",
    "group_interval",
    "repeat_interval",
    "labels",
)
INHIBIT_FIELDS = (
    "source_match",
    "source_match_re",
    "source_matchers",
    "target_match",
    "target_match_re",
    "target_matchers",
    "equal",
)
GLOBAL_FIELDS = (
    "resolve_timeout",
    "http_config",
    "jira_api_url",
    "smtp_from",
    "smtp_hello",
    "smtp_smarthost",
    "smtp_auth_username",
    "smtp_auth_password",
    "smtp_auth_password_file",
    "smtp_auth_secret",
    "smtp_auth_secret_file",
    "smtp_auth_identity",
    "smtp_require_tls",
    "smtp_tls_config",
    "smtp_force_implicit_tls",
    "slack_api_url",
    "slack_api_url_file",
    "slack_app_token",
    "slack_app_token_file",
    "slack_app_url",
    "pagerduty_url",
    "opsgenie_api_url",
    "opsgenie_api_key",
    "opsgenie_api_key_file",
    "wechat_api_url",
    "wechat_api_secret",
    "wechat_api_secret_file",
    "wechat_api_corp_id",
    "victorops_api_url",
    "victorops_api_key",
    "victorops_api_key_file",
    "telegram_api_url",
    "telegram_bot_token",
    "telegram_bot_token_file",
    "webex_api_url",
    "rocketchat_api_url",
    "rocketchat_token",
    "rocketchat_token_file",
    "rocketchat_token_id",
    "rocketchat_token_id_file",
    "mattermost_webhook_url",
    "mattermost_webhook_url_file",
)  # fmt: skip  (the union of 0.25-0.33)
PERIOD_FIELDS = ("times", "weekdays", "days_of_month", "months", "years", "location")


def integration_problem(kind: str, c: dict[str, Any], global_: dict[str, Any]) -> str | None:
    """The checks of ``config.go`` a config most often fails, in its words."""
    if kind == "email" and not c.get("to"):
        return "missing to address in email config"
    keys = ("routing_key", "routing_key_file", "service_key", "service_key_file")
    if kind == "pagerduty" and not any(c.get(k) for k in keys):
        return "missing service or routing key in PagerDuty config"
    if kind == "webhook" and not (c.get("url") or c.get("url_file")):
        return "missing URL in webhook config"
    urls = (c.get("api_url"), c.get("api_url_file"), global_.get("slack_api_url"),
            global_.get("slack_api_url_file"))  # fmt: skip
    if kind == "slack" and not any(urls):
        return "no global Slack API URL set either inline or in a file"
    return None
