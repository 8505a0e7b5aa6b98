"""Alert delivery: channels, payloads, retries and the spool. Imports nothing from pytest.

The plugin builds channels from ``kind: Channel`` specs (``build_channel``),
hands each notification to ``deliver`` and calls ``flush`` at the start of a
run (and ``burnin flush``) to send what an earlier run could not.
"""

from __future__ import annotations

from .base import Attempt, Channel, Policy
from .config import ChannelSpecError, build_channel, channel_from_document
from .delivery import DeliveryResult, deliver, flush
from .model import Alert, Notification, label_fingerprint
from .secrets import MissingSecretError, redact_url
from .spool import dead_letters, pending

__all__ = [
    "Alert",
    "Attempt",
    "Channel",
    "ChannelSpecError",
    "DeliveryResult",
    "MissingSecretError",
    "Notification",
    "Policy",
    "build_channel",
    "channel_from_document",
    "dead_letters",
    "deliver",
    "flush",
    "label_fingerprint",
    "pending",
    "redact_url",
]
