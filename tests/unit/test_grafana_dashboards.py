"""The Grafana dashboards in infra/grafana/ load, and every query on them names metrics kofu
exports (read from centre/metrics.py): a renamed metric shows here, not as an empty panel on
the day someone needs it."""

from __future__ import annotations

import ast
import json
import re
import subprocess
from pathlib import Path

import pytest

from centre.metrics import REQUEST_TO_READY_SLO_SECONDS
from tests.unit.test_prometheus_rules import _promtool

ROOT = Path(__file__).resolve().parents[2]
DASHBOARDS = sorted((ROOT / "infra" / "grafana").glob("*.json"))
PANEL_TYPES = {"timeseries", "stat", "bargauge", "state-timeline", "table", "gauge", "text", "row"}
SUFFIXES = {"Counter": ("_total",), "Gauge": ("",), "Histogram": ("_bucket", "_count", "_sum")}


def exported_metrics() -> set[str]:
    """Every series name centre/metrics.py declares, as Prometheus sees them."""
    tree = ast.parse((ROOT / "centre" / "metrics.py").read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            kind = node.func.id
            if kind in SUFFIXES and node.args and isinstance(node.args[0], ast.Constant):
                base = str(node.args[0].value).removesuffix("_total")
                names.update(base + suffix for suffix in SUFFIXES[kind])
    return names


def _queries(dashboard: dict) -> list[str]:
    queries = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    for variable in dashboard["templating"]["list"]:
        if variable["type"] == "query":
            queries.append(variable["definition"])
    return queries


def test_there_is_a_dashboard_for_issuance_the_pipeline_and_municipalities() -> None:
    assert {p.stem for p in DASHBOARDS} == {
        "national-issuance",
        "render-pipeline",
        "municipal-health",
    }


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.stem)
def test_dashboard_is_grafana_json_with_unique_panels_on_the_grid(path: Path) -> None:
    dashboard = json.loads(path.read_text(encoding="utf-8"))
    assert dashboard["uid"] and dashboard["title"] and dashboard["schemaVersion"] >= 36
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids)), f"panel ids repeat: {ids}"
    cells: set[tuple[int, int]] = set()
    for panel in dashboard["panels"]:
        assert panel["type"] in PANEL_TYPES and panel["title"]
        grid = panel["gridPos"]
        assert grid["w"] > 0 and grid["h"] > 0 and grid["x"] + grid["w"] <= 24, panel["title"]
        mine = {
            (x, y)
            for x in range(grid["x"], grid["x"] + grid["w"])
            for y in range(grid["y"], grid["y"] + grid["h"])
        }
        assert not mine & cells, f"{panel['title']} overlaps another panel"
        cells |= mine
        refs = [target["refId"] for target in panel["targets"]]
        assert panel["targets"] and len(refs) == len(set(refs)), panel["title"]


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.stem)
def test_every_query_names_only_metrics_kofu_exports(path: Path) -> None:
    exported = exported_metrics()
    dashboard = json.loads(path.read_text(encoding="utf-8"))
    for query in _queries(dashboard):
        named = set(re.findall(r"\bkofu_[a-z0-9_]+", query))
        assert named, f"names no kofu metric: {query}"
        assert named <= exported, f"not exported by centre/metrics.py: {named - exported}"


def test_the_p95_panels_mark_the_objective_the_alert_uses() -> None:
    for path in DASHBOARDS:
        for panel in json.loads(path.read_text(encoding="utf-8"))["panels"]:
            if "kofu_request_to_ready_seconds_bucket" in json.dumps(panel["targets"]):
                steps = panel["fieldConfig"]["defaults"]["thresholds"]["steps"]
                assert steps[-1]["value"] == REQUEST_TO_READY_SLO_SECONDS, panel["title"]
    alerts = (ROOT / "infra" / "prometheus" / "alerts.yml").read_text()
    assert f"kofu_request_to_ready_seconds_bucket[5m]))) > {REQUEST_TO_READY_SLO_SECONDS:g}" in (
        " ".join(alerts.split()).replace("( ", "(")
    )


def test_every_query_parses_as_promql(tmp_path: Path) -> None:
    """promtool parses each query as a recording rule's (Grafana's variables filled in)."""
    rules = [
        {"record": f"kofu:dashboard_query_{i}", "expr": _filled(query)}
        for i, query in enumerate(q for path in DASHBOARDS for q in _queries(_load(path)))
        if not query.startswith("label_values(")
    ]
    file = tmp_path / "queries.yml"
    file.write_text(json.dumps({"groups": [{"name": "dashboards", "rules": rules}]}))
    checked = subprocess.run(
        [_promtool(), "check", "rules", str(file)], capture_output=True, text=True, timeout=60
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def _load(path: Path) -> dict:
    loaded: dict = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _filled(query: str) -> str:
    return query.replace("$__range", "1h").replace("$municipality", ".*")
