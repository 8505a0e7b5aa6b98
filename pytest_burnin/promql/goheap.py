"""``topk``/``bottomk`` exactly as Prometheus picks them: Go's container/heap.

Which of several equal values ``topk`` keeps, and in what order it returns
them, is whatever Go's heap operations and the final ``sort.Sort`` leave,
given the input order (Prometheus' storage order: series in the order they
were first written). NaN is "smaller than everything" in the heap's Less.
2.42 pops and pushes, so a NaN at the top is replaced even by another NaN
(``topk(1, ...)`` over NaNs keeps the last one); 3.5 overwrites the top only
with a number. A stable sort by value gives the same answer in most cases but
not in these, which a differential fuzzer against 2.42 found.

The final ``sort.Sort`` is Go's pdqsort, which for up to 12 elements is the
insertion sort emulated here; longer heaps (k > 12) with ties may be ordered
differently (docs/promql.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def _less_top(a: float, b: float) -> bool:
    """vectorByValueHeap.Less: NaN first, then ascending (the smallest on top)."""
    return True if a != a else a < b


def _less_bottom(a: float, b: float) -> bool:
    """vectorByReverseValueHeap.Less: NaN first, then descending (the largest on top)."""
    return True if a != a else a > b


def _up(h: list[tuple[float, T]], j: int, less: Callable[[float, float], bool]) -> None:
    while j > 0:
        i = (j - 1) // 2
        if not less(h[j][0], h[i][0]):
            break
        h[i], h[j] = h[j], h[i]
        j = i


def _down(h: list[tuple[float, T]], i: int, n: int, less: Callable[[float, float], bool]) -> None:
    while True:
        j1 = 2 * i + 1
        if j1 >= n:
            break
        j = j1
        j2 = j1 + 1
        if j2 < n and less(h[j2][0], h[j1][0]):
            j = j2
        if not less(h[j][0], h[i][0]):
            break
        h[i], h[j] = h[j], h[i]
        i = j


def _fix_top(h: list[tuple[float, T]], less: Callable[[float, float], bool]) -> None:
    """heap.Fix(h, 0): sift down; a top can only move down, so up() has nothing to do."""
    _down(h, 0, len(h), less)


def select_k(
    items: list[tuple[float, T]], k: int, top: bool, compat: int = 2
) -> list[tuple[float, T]]:
    """The k items (value, payload) Prometheus' topk (``top``) or bottomk returns.

    ``compat`` 2 is 2.42's loop (pop and push; a NaN on top is replaced even
    by another NaN); 3 is 3.5's (overwrite the top and fix the heap; a NaN
    on top is replaced only by a number).
    """
    if k < 1 or not items:
        return []
    less = _less_top if top else _less_bottom
    heap: list[tuple[float, T]] = [items[0]]
    for item in items[1:]:
        v = item[0]
        head = heap[0][0]
        if compat >= 3:
            if len(heap) < k:
                heap.append(item)
                _up(heap, len(heap) - 1, less)
            elif (v > head if top else v < head) or (head != head and v == v):
                heap[0] = item
                if k > 1:
                    _fix_top(heap, less)
            continue
        replace = (v > head if top else v < head) or head != head
        if len(heap) < k or replace:
            if len(heap) == k:
                if k == 1:
                    heap[0] = item  # Go replaces in place for k == 1
                    continue
                # heap.Pop: swap the top with the last, sift down, drop the last.
                n = len(heap) - 1
                heap[0], heap[n] = heap[n], heap[0]
                _down(heap, 0, n, less)
                heap.pop()
            heap.append(item)
            _up(heap, len(heap) - 1, less)
    # sort.Sort(sort.Reverse(heap)): Less(i, j) is the heap's Less(j, i).
    for i in range(1, len(heap)):
        j = i
        while j > 0 and less(heap[j - 1][0], heap[j][0]):
            heap[j], heap[j - 1] = heap[j - 1], heap[j]
            j -= 1
    return heap
