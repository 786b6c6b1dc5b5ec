"""Metric names used by PromQL expressions, read with a real PromQL parser."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import promql_parser
import yaml

ROOT = Path(__file__).resolve().parents[1]


def selectors(node: Any) -> Iterator[str]:
    if isinstance(node, promql_parser.VectorSelector):
        if node.name:
            yield node.name
        return
    for attr in ("lhs", "rhs", "expr", "param", "vector_selector"):
        child = getattr(node, attr, None)
        if child is not None:
            yield from selectors(child)
    for arg in getattr(node, "args", None) or []:
        yield from selectors(arg)


def expressions() -> list[str]:
    """Every PromQL expression of the Grafana dashboard and the Prometheus rules."""
    dash = json.loads((ROOT / "config/grafana/dashboards/newsmon.json").read_text())
    exprs = [t["expr"] for p in dash["panels"] for t in p["targets"]]
    rules = yaml.safe_load((ROOT / "config/prometheus/rules/newsmon.yml").read_text())
    exprs += [r["expr"] for g in rules["groups"] for r in g["rules"]]
    return exprs


def metric_names() -> set[str]:
    """Base metric names (without _total/_bucket/_count/_sum) the expressions select."""
    names = set()
    for expr in expressions():
        for name in selectors(promql_parser.parse(expr)):  # raises on invalid PromQL
            for suffix in ("_bucket", "_count", "_sum", "_total"):
                name = name.removesuffix(suffix)
            names.add(name)
    return names
