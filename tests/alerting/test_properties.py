"""Property tests where the input is open-ended: label text, secrets, URLs."""

from __future__ import annotations

import json
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_burnin.alerting import Alert, Notification, payload
from pytest_burnin.alerting import spool as sp
from pytest_burnin.alerting.secrets import Redactor, redact_url

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
names = st.text(ALNUM + "_", min_size=1, max_size=16)
label_sets = st.dictionaries(names, text, max_size=6)
times = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(timezone.utc)
)


@st.composite
def alerts(draw: st.DrawFn) -> Alert:
    state = draw(st.sampled_from(["firing", "resolved"]))
    start = draw(times)
    return Alert(
        labels=draw(label_sets),
        annotations=draw(label_sets),
        state=state,
        starts_at=start,
        ends_at=start + timedelta(seconds=draw(st.integers(0, 10**6)))
        if state == "resolved"
        else None,
        value=draw(st.none() | st.floats(allow_nan=False, allow_infinity=False)),
        threshold=draw(st.none() | st.floats(allow_nan=False, allow_infinity=False)),
    )


@settings(max_examples=30, deadline=None)
@given(st.lists(alerts(), min_size=1, max_size=4))
def test_notifications_survive_the_spool_and_render_as_json(items: list[Alert]) -> None:
    n = Notification.of(*items)
    assert Notification.from_json(json.loads(json.dumps(n.to_json()))) == n
    with tempfile.TemporaryDirectory() as tmp:
        entry = sp.read(sp.write(Path(tmp), "c", n, 1.0))
    assert entry.notification == n and entry.dedup_key == n.dedup_key
    body = json.loads(payload.render_webhook(n, receiver="r"))
    assert [a["labels"] for a in body["alerts"]] == [dict(a.labels) for a in items]
    assert len(json.loads(payload.render_slack(n))["blocks"]) <= 50
    payload.email_message(n, sender="a@b.c", recipients=["d@e.f"]).as_bytes()


@settings(max_examples=50, deadline=None)
@given(label_sets, label_sets)
def test_fingerprint_depends_on_labels_only_not_order(
    labels: dict[str, str], extra: dict[str, str]
) -> None:
    a = Alert(labels=labels, annotations=extra, starts_at=datetime(2026, 1, 1, tzinfo=timezone.utc))
    b = Alert(labels=dict(reversed(list(labels.items()))), starts_at=a.starts_at)
    assert a.fingerprint == b.fingerprint and len(a.fingerprint) == 16


secrets = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="*"), min_size=1, max_size=20
)


@settings(max_examples=200, deadline=None)
@given(secrets, text, text)
def test_redactor_hides_every_occurrence(secret: str, before: str, after: str) -> None:
    r = Redactor([secret])
    for form in (secret, quote(secret, safe="")):
        out = r(before + form + after + form)
        assert secret not in out


@settings(max_examples=50, deadline=None)
@given(
    st.text(ALNUM[:26] + "0123456789", min_size=1, max_size=12),
    st.text(ALNUM, min_size=8, max_size=24),
    st.text(ALNUM, min_size=8, max_size=24),
)
def test_redacted_urls_show_no_credentials(user: str, password: str, token: str) -> None:
    shown = redact_url(f"https://{user}:{password}@hooks.example.com/services/{token}?sig={token}")
    # Equality says it all: no userinfo, no query, no token (a bare "not in" could be
    # fooled by a password that happens to spell "services").
    assert shown == "https://***@hooks.example.com/services/***?***"
