"""A metric source answered by the embedded PromQL engine over an in-memory store."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ..errors import EvaluationError
from ..promql.storage import Storage
from ..promql.values import QueryError, Value


class EngineSource:
    """Evaluates queries locally; ``load`` fills the store on first use."""

    def __init__(
        self,
        name: str,
        load: Callable[[], Storage],
        describe: str,
        *,
        compat: int = 3,
        lookback_delta_ms: int = 300_000,
        evaluation_time: str | None = None,
    ) -> None:
        self.name = name
        self._load = load
        self._describe = describe
        self.compat = compat
        self.lookback_delta_ms = lookback_delta_ms
        self.evaluation_time = evaluation_time
        self._engine: object | None = None
        self._storage: Storage | None = None

    def describe(self) -> str:
        return self._describe

    def storage(self) -> Storage:
        if self._storage is None:
            try:
                self._storage = self._load()
            except EvaluationError:
                raise
            except (OSError, ValueError) as exc:
                raise EvaluationError(f"source {self.name!r} ({self._describe}): {exc}") from None
        return self._storage

    def time_bounds(self) -> tuple[int, int] | None:
        return self.storage().time_bounds()

    def default_time(self) -> int:
        if self.evaluation_time not in (None, "end"):
            text = str(self.evaluation_time).replace("Z", "+00:00")
            return int(datetime.fromisoformat(text).timestamp() * 1000)
        bounds = self.time_bounds()
        if bounds is None:
            raise EvaluationError(f"source {self.name!r} ({self._describe}) has no samples")
        return bounds[1]

    def query(self, expr: str, t_ms: int) -> Value:
        from ..promql.engine import Engine
        from ..promql.parser import ParseError

        if self._engine is None:
            self._engine = Engine(
                self.storage(), lookback_delta_ms=self.lookback_delta_ms, compat=self.compat
            )
        engine = self._engine
        assert isinstance(engine, Engine)
        try:
            return engine.instant(expr, t_ms)
        except ParseError as exc:
            raise EvaluationError(f"cannot parse query {expr!r}: {exc}") from None
        except QueryError as exc:
            raise EvaluationError(f"query {expr!r} failed: {exc}") from None
