"""pytest-burnin: a release and SLO gate as a pytest plugin.

The package is a pure core (``spec``, ``promql``, ``rules``, ``sources``, ``slo``)
under a thin pytest layer (``plugin``, ``items``). Nothing heavy is imported here,
so a plain ``pytest`` run in a project that has the plugin installed pays nothing.
"""

from __future__ import annotations

__version__ = "0.1.0"
