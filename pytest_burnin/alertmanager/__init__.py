"""An embedded Alertmanager model: the team's ``alertmanager.yml`` read as Alertmanager reads it.

Pure Python (no pytest): ``config`` loads and validates, ``route`` walks the
routing tree, ``inhibit`` answers "is this alert inhibited while those fire",
``timeinterval`` answers "is this instant inside that interval", ``notify_time``
bounds the time from a breach to the first notification; ``notify/`` renders
the exact request body each receiver type sends, with Alertmanager's template
data, functions and default templates.
"""
