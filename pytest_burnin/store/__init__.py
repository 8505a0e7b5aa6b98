"""The history store: what the burn-in, the reports, the gate and the local source read.

``sqlite.py`` owns the SQLite file (WAL, migrations, concurrent writers) and
``Store``, which opens a ``postgresql://`` URL as ``postgres.PostgresStore``
(``pg_schema.py``: the same migrations in PostgreSQL); ``location.py`` tells a
file from a URL and masks it; ``migrate.py`` copies a history between stores
(``burnin store migrate``, ``commands.py``); ``ingest.py`` stores samples from
OpenMetrics text for the ``local`` metric source. Pure core: no pytest import.
"""
