"""Where the store is: files, URLs as settings carry them, passwords never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_burnin.store.location import (
    StoreLocationError,
    connection_params,
    masked,
    postgres_url,
    store_exists,
)
from pytest_burnin.store.pg_schema import DialectError, translate


@pytest.mark.parametrize(
    "given",
    [
        "postgresql://burnin@db.internal:5433/history",
        # What settings make of it: pathlib folds the "//", the rootdir goes in front.
        str(Path("/repo") / Path("postgresql://burnin@db.internal:5433/history")),
        Path("postgres://burnin@db.internal:5433/history"),
    ],
)
def test_a_url_survives_the_path_settings_carry_it_as(given: str | Path) -> None:
    assert postgres_url(given) == "postgresql://burnin@db.internal:5433/history"
    assert store_exists(given)


def test_a_file_is_not_a_url(tmp_path: Path) -> None:
    assert postgres_url(tmp_path / "history.sqlite") is None
    assert not store_exists(tmp_path / "history.sqlite")
    assert masked(tmp_path / "history.sqlite") == str(tmp_path / "history.sqlite")


def test_the_password_comes_from_the_environment_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGPASSWORD", "from-libpq-var")
    monkeypatch.setenv("BURNIN_STORE_PASSWORD", "s3cret-from-env")
    params = connection_params("postgresql://burnin@127.0.0.1:5432/h?sslmode=disable")
    assert params == {
        "dbname": "h",
        "application_name": "pytest-burnin",
        "host": "127.0.0.1",
        "port": 5432,
        "user": "burnin",
        "sslmode": "disable",
        "password": "s3cret-from-env",
    }
    monkeypatch.delenv("BURNIN_STORE_PASSWORD")
    assert connection_params("postgresql://u@h/db")["password"] == "from-libpq-var"


@pytest.mark.parametrize(
    "url",
    ["postgresql://burnin:hunter22@127.0.0.1:5432/h", "postgresql://burnin@h/db?password=hunter22"],
)
def test_a_password_in_the_url_is_refused_without_being_repeated(url: str) -> None:
    with pytest.raises(StoreLocationError) as err:
        connection_params(url)
    assert "hunter22" not in str(err.value)
    assert "BURNIN_STORE_PASSWORD or PGPASSWORD" in str(err.value)
    assert "hunter22" not in masked(url)


def test_a_url_must_name_a_database_and_a_numeric_port() -> None:
    with pytest.raises(StoreLocationError, match="name one database"):
        connection_params("postgresql://burnin@127.0.0.1:5432")
    with pytest.raises(StoreLocationError, match="port is not a number"):
        connection_params("postgresql://burnin@127.0.0.1:54x/db")


def test_sqlite_statements_in_postgresql_words() -> None:
    assert translate("SELECT 1 FROM t WHERE a = ? AND b LIKE '50% ?'") == (
        "SELECT 1 FROM t WHERE a = %s AND b LIKE '50%% ?'"
    )
    assert translate(
        "INSERT OR REPLACE INTO samples (series_id, ts, value, nan_bits) VALUES (?, ?, ?, ?)"
    ) == (
        "INSERT INTO samples (series_id, ts, value, nan_bits) VALUES (%s, %s, %s, %s)"
        " ON CONFLICT (series_id, ts) DO UPDATE SET value = EXCLUDED.value,"
        " nan_bits = EXCLUDED.nan_bits"
    )
    assert translate("INSERT INTO runs (status) VALUES (?)", want_id=True).endswith("RETURNING id")
    assert not translate("INSERT INTO samples (ts) VALUES (?)", want_id=True).endswith("id")
    with pytest.raises(DialectError):
        translate("INSERT OR REPLACE INTO incidents (title) VALUES (?)")
