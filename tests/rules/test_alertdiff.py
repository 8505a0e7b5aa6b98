"""Alert mismatches named field by field (issue 14, item 7)."""

from __future__ import annotations

from pytest_burnin.rules.alertdiff import field_differences

PAGE = {"alertname": "HighErrors", "job": "a", "severity": "page"}


def test_one_differing_annotation_is_named_with_both_values() -> None:
    got = [(PAGE, {"summary": "errors at 10", "runbook_url": "https://rb"})]
    exp = [(PAGE, {"summary": "errors at 11", "runbook_url": "https://rb"})]
    assert field_differences(exp, got) == [
        'annotations.summary: expected "errors at 11", got "errors at 10"'
    ]


def test_missing_and_extra_labels_are_named() -> None:
    exp = [({"alertname": "A", "severity": "page"}, {})]
    got = [({"alertname": "A", "team": "db"}, {})]
    assert field_differences(exp, got) == [
        'labels.severity: expected "page", got none',
        'labels.team: not expected, got "db"',
    ]


def test_several_alerts_are_paired_with_the_closest_and_numbered_as_written() -> None:
    exp = [
        ({"alertname": "A", "job": "b"}, {"summary": "b down"}),
        ({"alertname": "A", "job": "a"}, {"summary": "a down"}),
    ]
    got = [
        ({"alertname": "A", "job": "a"}, {"summary": "a down"}),
        ({"alertname": "A", "job": "b"}, {"summary": "b is down"}),
    ]
    assert field_differences(exp, got) == [
        'exp_alerts[0]: annotations.summary: expected "b down", got "b is down"'
    ]


def test_alerts_that_did_not_fire_or_were_not_expected_are_listed() -> None:
    exp = [({"alertname": "A", "job": "a"}, {}), ({"alertname": "A", "job": "b"}, {})]
    got = [({"alertname": "A", "job": "a"}, {})]
    assert field_differences(exp, got) == [
        'exp_alerts[1]: no such alert fired (expected labels {alertname="A", job="b"})'
    ]
    assert field_differences([], got) == ['unexpected alert: labels {alertname="A", job="a"}']


def test_subset_ignores_unnamed_fields_and_regex_matches_anchored() -> None:
    got = [({"alertname": "A", "job": "api-1", "team": "db"}, {"summary": "x"})]
    exp = [({"alertname": "A", "job": "api-[0-9]"}, {})]
    assert field_differences(exp, got, subset=True, regex=True) == []
    exp = [({"alertname": "A", "job": "api"}, {})]
    assert field_differences(exp, got, subset=True, regex=True) == [
        'labels.job: expected "api", got "api-1"'
    ]
