"""Where the history store is: a SQLite file, or a PostgreSQL URL.

``burnin_store`` / ``--store`` travel through settings and commands as a
``Path`` (joined to the rootdir when relative). A URL survives that only in
part: pathlib folds ``postgresql://host`` into ``postgresql:/host`` and the
rootdir may be put in front. ``postgres_url`` recovers the URL from either
form, so every caller keeps passing what it has and ``Store`` picks the
backend. A password is taken only from the environment (``BURNIN_STORE_PASSWORD``,
else libpq's own ``PGPASSWORD``), never from the URL, so neither an ini file
nor any message can carry it; ``masked`` is the form every message shows.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from ..errors import BurninError

PASSWORD_VARS = ("BURNIN_STORE_PASSWORD", "PGPASSWORD")

# Anywhere in the text: a relative URL joined to the rootdir ends up after it.
_URL = re.compile(r"(?:^|/)(postgres(?:ql)?):/+(.*)$")


class StoreLocationError(BurninError):
    """A store location that cannot be used as given (a password in the URL, no database)."""


def postgres_url(location: str | os.PathLike[str]) -> str | None:
    """The ``postgresql://`` URL ``location`` names, or None when it is a SQLite file."""
    m = _URL.search(os.fspath(location))
    if m is None:
        return None
    return f"postgresql://{m.group(2)}"


def is_postgres(location: str | os.PathLike[str]) -> bool:
    return postgres_url(location) is not None


def masked(location: str | os.PathLike[str]) -> str:
    """The location as messages show it: a URL without any password, a file as given."""
    url = postgres_url(location)
    if url is None:
        return os.fspath(location)
    parts = urlsplit(url)
    host = parts.hostname or ""
    user = f"{unquote(parts.username)}@" if parts.username else ""
    port = f":{parts.port}" if _port(url) is not None else ""
    return f"postgresql://{user}{host}{port}{parts.path}"


def _port(url: str) -> int | None:
    try:
        return urlsplit(url).port
    except ValueError:
        raise StoreLocationError(
            f"history store {_without_userinfo(url)}: the port is not a number from 1 to 65535"
        ) from None


def _without_userinfo(url: str) -> str:
    parts = urlsplit(url)
    return f"postgresql://{parts.netloc.rpartition('@')[2]}{parts.path}"


def connection_params(url: str) -> dict[str, str | int]:
    """libpq keyword parameters for ``url``; the password from the environment only."""
    parts = urlsplit(url)
    if parts.password is not None:
        raise StoreLocationError(
            f"history store {_without_userinfo(url)}: the URL carries a password; remove it "
            f"and give it in the environment ({' or '.join(PASSWORD_VARS)}) so no file, log "
            "or message ever holds it"
        )
    dbname = unquote(parts.path.lstrip("/"))
    if not dbname or "/" in dbname:
        raise StoreLocationError(
            f"history store {masked(url)}: name one database, as in "
            "postgresql://USER@HOST:PORT/DATABASE"
        )
    params: dict[str, str | int] = {"dbname": dbname, "application_name": "pytest-burnin"}
    if parts.hostname:
        params["host"] = parts.hostname
    port = _port(url)
    if port is not None:
        params["port"] = port
    if parts.username:
        params["user"] = unquote(parts.username)
    for key, value in parse_qsl(parts.query):  # libpq options: sslmode, options, ...
        if key == "password":
            raise StoreLocationError(
                f"history store {masked(url)}: the URL carries a password; give it in the "
                f"environment ({' or '.join(PASSWORD_VARS)}) instead"
            )
        params[key] = value
    for name in PASSWORD_VARS:
        if os.environ.get(name):
            params["password"] = os.environ[name]
            break
    return params


def store_exists(location: str | os.PathLike[str]) -> bool:
    """Whether there is a store to read: a database always answers for itself when opened."""
    return is_postgres(location) or Path(location).is_file()
