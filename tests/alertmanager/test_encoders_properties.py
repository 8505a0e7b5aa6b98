"""Properties of the Go encoders: any text survives them and their limits hold."""

from __future__ import annotations

import json
import quopri

from hypothesis import example, given
from hypothesis import strategies as st

from pytest_burnin.alertmanager.gojson import quote
from pytest_burnin.alertmanager.notify.mimeenc import q_encode, quoted_printable

# Lone surrogates are not text Go could hold (Go writes U+FFFD for them).
TEXT = st.text(st.characters(exclude_categories=("Cs",)))


@given(TEXT)
def test_json_strings_round_trip_and_never_hold_raw_html(s: str) -> None:
    out = quote(s)
    assert json.loads(out) == s
    assert not any(c in out for c in "<>&\u2028\u2029")


@given(TEXT)
def test_quoted_printable_round_trips_with_crlf_and_short_lines(s: str) -> None:
    out = quoted_printable(s)
    assert all(len(line) <= 76 for line in out.split(b"\r\n"))
    assert all(32 <= b < 127 or b in (9, 10, 13) for b in out)
    want = s.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n").encode()
    assert quopri.decodestring(out) == want


@given(TEXT)
def test_q_encoded_words_are_at_most_75_bytes(s: str) -> None:
    from email.header import decode_header, make_header

    out = q_encode(s)
    if out == s:
        assert all(" " <= c <= "~" or c == "\t" for c in s)
        return
    assert all(len(word) <= 75 for word in out.split(" "))
    assert str(make_header(decode_header(out))) == s


# The read-back's fast path for plain one-line text must decode exactly as the
# YAML parser does (numbers, booleans, nulls, text), or a PagerDuty detail
# would change type.
PLAINISH = st.text(
    st.sampled_from(list("aZy01935_(). /=+;~^$<>%,-:#'\"[]{}eEnNoO?&*!@\t\n")), max_size=12
)


@given(PLAINISH)
@example("https://runbooks.example/integrity")
@example("2026-11-28T10:00:00Z")
@example("190:20:30")
@example("1:2.5")
@example("012")
@example("0x1F")
@example("a: b")
@example("")
def test_inline_read_back_fast_path_equals_the_yaml_parser(s: str) -> None:
    import yaml

    from pytest_burnin.alertmanager.yamlinline import NotYAML, _V2Loader, parse_inline

    try:
        want = yaml.load(s, Loader=_V2Loader)
    except yaml.YAMLError:
        want = NotYAML
    try:
        got = parse_inline(s)
    except NotYAML:
        got = NotYAML
    assert got == want or (got != got and want != want)
    assert type(got) is type(want)
