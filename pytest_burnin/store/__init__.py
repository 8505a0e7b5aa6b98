"""The history store: what the burn-in, the reports, the gate and the local source read.

``sqlite.py`` owns the SQLite file (WAL, migrations, concurrent writers);
``ingest.py`` stores samples from OpenMetrics text; ``local_source.py`` makes
the stored samples a metric source. Pure core: no pytest import.
"""
