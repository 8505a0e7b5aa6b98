"""Which recording rules the dashboard reads for an SLO: the ones ``burnin rules`` writes.

A panel over ``increase(x[30d])`` makes Prometheus read a month of raw samples
on every refresh; the error ratio is already recorded per window
(``slo:sli_error:ratio_rate5m`` ..., Sloth's family for Sloth SLOs), so the
panels read those series. The names and labels come from the same generator
as the rule file (``slo/rules_gen.py``), so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..spec.model import Entry

_UPPER = ("below", "at_most")


@dataclass(frozen=True)
class Recorded:
    """The error-ratio records of one SLO and how its indicator reads from them."""

    selector: str  # the labels every record of this SLO carries: {slo="integrity", ...}
    windows: dict[str, str]  # window -> record name, shortest first
    upper: bool  # objective is an upper bound: the indicator is the error ratio itself
    objective: float  # in the indicator's terms
    budget: float | None  # allowed error ratio

    def error_ratio(self, window: str) -> str:
        """The error ratio over ``window``: its own record, or the mean of the shortest
        record over the window (what Sloth records as ``ratio_rate30d``)."""
        if window in self.windows:
            return f"{self.windows[window]}{self.selector}"
        shortest = next(iter(self.windows.values()))
        return f"avg_over_time({shortest}{self.selector}[{window}])"

    def indicator(self, window: str) -> str:
        error = self.error_ratio(window)
        return error if self.upper else f"1 - {error}"


def _label_value(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def recorded(entry: Entry) -> tuple[Recorded | None, str]:
    """(the SLO's records, "") or (None, why ``burnin rules`` records no error ratio)."""
    from ..errors import BurninError
    from ..slo.rules_gen import RECORD_PREFIX, duration_ms, slo_rules

    try:
        rules = slo_rules(entry)
    except BurninError as exc:  # an unusable alerting block: `burnin rules` refuses it too
        return None, f"burnin rules cannot generate rules for it: {exc}"
    records: list[dict[str, Any]] = [
        r
        for group in rules.groups()
        for r in group["rules"]
        if str(r.get("record", "")).startswith(RECORD_PREFIX)
    ]
    if not records:
        why = "; ".join(rules.notes) or f"a {rules.indicator} indicator has no error ratio"
        return None, why
    common = set(records[0].get("labels", {}).items())
    for r in records[1:]:
        common &= set(r.get("labels", {}).items())
    selector = "{" + ", ".join(f'{k}="{_label_value(str(v))}"' for k, v in sorted(common)) + "}"
    names = {r["record"][len(RECORD_PREFIX) :]: r["record"] for r in records}
    windows = {w: names[w] for w in sorted(names, key=duration_ms)}
    op, value = rules.objective
    upper = op in _UPPER
    return Recorded(selector, windows, upper, value, rules.budget), ""
