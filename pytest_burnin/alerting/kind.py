"""``kind: Channel``: the item checks the channel is usable (its secrets are set)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import EvaluationError
from ..kinds import Evaluation

if TYPE_CHECKING:
    from ..context import RunContext
    from ..spec.model import Entry


class ChannelKind:
    """``kind: Channel``: the item checks the channel is usable (its secrets are set)."""

    kind = "Channel"
    schema: str | None = "channel.schema.yaml"

    def static_properties(self, entry: Entry) -> list[tuple[str, str]]:
        return [("channel_type", str(entry.spec.get("type")))]

    def check(self, entry: Entry) -> None:
        from .config import TYPES, ChannelSpecError, build_channel

        if entry.spec.get("type") not in TYPES:
            return  # a plugin's type: its pytest_burnin_make_channel checks it at evaluation
        try:
            build_channel(entry.name, entry.spec, env={}, base_dir=entry.path.parent)
        except ChannelSpecError as exc:
            raise entry.error(exc.path, str(exc)) from None

    def evaluate(self, entry: Entry, ctx: RunContext) -> Evaluation:
        channel = ctx.channel(entry.name, entry)
        try:
            channel.check()
        except ValueError as exc:
            raise EvaluationError(str(exc)) from None
        return Evaluation(True, f"Channel {entry.name}: {entry.spec.get('type')} channel ready")
