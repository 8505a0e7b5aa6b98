"""Observability outputs: exporter, HTML and weekly reports, Grafana dashboard.

Pure core (no pytest import) except ``glue.py``. Nothing is imported here so
that the plugin's import stays cheap.
"""
