from __future__ import annotations

from datetime import datetime

import pytest

from pytest_burnin.alerting import Alert, Notification, label_fingerprint

from .conftest import T0, make_alert


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        # Values from prometheus/common's own tests of LabelSet.Fingerprint.
        ({}, 14695981039346656037),
        ({"name": "garland, briggs", "fear": "love is not enough"}, 5799056148416392346),
        (
            {
                "first-label": "first-label-value",
                "second-label": "second-label-value",
                "third-label": "third-label-value",
            },
            13843036195897128121,
        ),
    ],
)
def test_fingerprint_matches_prometheus(labels: dict[str, str], expected: int) -> None:
    assert label_fingerprint(labels) == f"{expected:016x}"


def test_fingerprint_ignores_annotations_and_label_order() -> None:
    a = make_alert()
    b = make_alert(labels=dict(reversed(list(a.labels.items()))), annotations={})
    assert a.fingerprint == b.fingerprint


def test_dedup_key_is_fingerprint_state_and_start() -> None:
    a = make_alert()
    assert a.dedup_key == f"{a.fingerprint}-firing-{int(T0.timestamp())}"
    assert make_alert(state="resolved", ends_at=T0).dedup_key != a.dedup_key
    assert Notification.of(a).dedup_key == a.dedup_key


def test_json_round_trip() -> None:
    n = Notification.of(make_alert(), make_alert(labels={"alertname": "B"}), external_url="x")
    assert Notification.from_json(n.to_json()) == n


def test_refuses_naive_times_and_bad_states() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        Alert(labels={}, starts_at=datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="firing"):
        Alert(labels={}, state="pending")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at least one"):
        Notification(alerts=())


def test_alert_copies_its_mappings() -> None:
    labels = {"alertname": "X"}
    a = Alert(labels=labels, starts_at=T0)
    labels["alertname"] = "Y"
    assert a.name == "X"
