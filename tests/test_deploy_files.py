"""docker-compose.yml, Prometheus and Grafana files: structure, and metric names that exist.

No Docker engine runs here, so the files are checked as data: what compose needs to run
newsmon safely, and that every metric a dashboard or rule names is one newsmon exports.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

import monitor.metrics as metrics
from tests.promql import metric_names

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
NEWSMON_SERVICES = ("poller", "worker")


def seconds(value: str) -> int:
    total = 0
    for amount, unit in re.findall(r"(\d+)([hms])", value):
        total += int(amount) * {"h": 3600, "m": 60, "s": 1}[unit]
    return total


def exported_names() -> set[str]:
    names = {"newsmon_redis_up", "newsmon_queue_depth"}  # from observe._QueueCollector
    # from service.SupervisionCollector (scrape time)
    names |= {"newsmon_workers_alive", "newsmon_workers_configured", "newsmon_worker_restarts",
              "newsmon_queue_oldest_age_seconds"}
    for obj in vars(metrics).values():
        name = getattr(obj, "_name", None)
        if isinstance(name, str) and name.startswith("newsmon_"):
            names.add(name)
    return names


def test_services_and_redis() -> None:
    services: dict[str, Any] = COMPOSE["services"]
    assert {"redis", "poller", "worker", "prometheus", "grafana"} <= set(services)
    redis = services["redis"]
    assert redis["image"].startswith("redis:7")
    command = " ".join(redis["command"])
    assert "--appendonly yes" in command and "--requirepass" in command
    assert "healthcheck" in redis and redis["restart"] == "unless-stopped"


def test_newsmon_services_are_safe_to_run_and_scale() -> None:
    for name in NEWSMON_SERVICES:
        svc = COMPOSE["services"][name]
        assert "healthcheck" in svc and svc["restart"] in ("unless-stopped", "always"), name
        assert seconds(svc["stop_grace_period"]) >= 120, name  # ≥ the job timeout
        assert re.match(r"redis://:\$\{REDIS_PASSWORD[^}]*\}@redis:6379", svc["environment"]
                        ["REDIS_URL"]), name
        assert svc["depends_on"]["redis"]["condition"] == "service_healthy"
    worker = COMPOSE["services"]["worker"]
    assert "container_name" not in worker and "ports" not in worker  # --scale worker=N


def test_bind_mounts_exist() -> None:
    for name, svc in COMPOSE["services"].items():
        for volume in svc.get("volumes", []):
            host = volume.split(":")[0]
            if host.startswith("."):
                assert (ROOT / host).exists(), f"{name}: {host}"


def test_prometheus_scrapes_newsmon_and_loads_rules() -> None:
    prom = yaml.safe_load((ROOT / "config/prometheus/prometheus.yml").read_text())
    jobs = {j["job_name"]: j for j in prom["scrape_configs"]}
    assert jobs["newsmon-poller"]["static_configs"][0]["targets"] == ["poller:9108"]
    dns = jobs["newsmon-worker"]["dns_sd_configs"][0]
    assert dns["names"] == ["worker"] and dns["port"] == 9108
    assert prom["rule_files"] == ["/etc/prometheus/rules/*.yml"]
    mounts = COMPOSE["services"]["prometheus"]["volumes"]
    assert "./config/prometheus/rules:/etc/prometheus/rules:ro" in mounts
    rules = yaml.safe_load((ROOT / "config/prometheus/rules/newsmon.yml").read_text())
    names = {r["alert"] for g in rules["groups"] for r in g["rules"]}
    assert {"NewsmonFeedFailing", "NewsmonQueueGrowing", "NewsmonNoNewArticles",
            "NewsmonDeadLetters", "NewsmonRouteStalled", "NewsmonDeliveryRetries",
            "NewsmonNoWorker", "NewsmonQueueStale"} <= names


def test_delivery_rules_page_on_dead_letters_and_stalls_and_warn_on_retries() -> None:
    rules = yaml.safe_load((ROOT / "config/prometheus/rules/newsmon.yml").read_text())
    (group,) = [g for g in rules["groups"] if g["name"] == "newsmon-delivery"]
    by_name = {r["alert"]: r for r in group["rules"]}
    severity = {n: r["labels"]["severity"] for n, r in by_name.items()}
    assert severity["NewsmonDeadLetters"] == severity["NewsmonRouteStalled"] == "critical"
    assert severity["NewsmonDeliveryRetries"] == "warning"
    assert 'outcome="dead_letter"' in by_name["NewsmonDeadLetters"]["expr"]
    # A retried attempt is counted in attempts, never in what became of a delivery.
    assert "newsmon_delivery_attempts_total" in by_name["NewsmonDeliveryRetries"]["expr"]
    assert not any("failed" in r["expr"] and "newsmon_alert_deliveries_total" in r["expr"]
                   for g in rules["groups"] for r in g["rules"])


def test_containers_listen_beyond_loopback_only_where_scraped() -> None:
    """newsmon binds 127.0.0.1 unless told; compose tells the services Prometheus scrapes."""
    for name in NEWSMON_SERVICES:
        env = COMPOSE["services"][name]["environment"]
        assert env["NEWSMON_METRICS_HOST"] == "0.0.0.0", name
        assert "NEWSMON_WEB_HOST" not in env, name  # no web app is published


def test_the_scraped_supervision_series_are_exported() -> None:
    from monitor.service import SupervisionCollector, Supervisor

    sup = Supervisor(2, "redis://unused", 1.0)
    names = {m.name for m in SupervisionCollector(sup, lambda: {"articles": 3.0}).collect()}
    assert names == {"newsmon_workers_alive", "newsmon_workers_configured",
                     "newsmon_worker_restarts", "newsmon_queue_oldest_age_seconds"}


def test_dashboard_and_rules_name_only_defined_metrics() -> None:
    dash = json.loads((ROOT / "config/grafana/dashboards/newsmon.json").read_text())
    assert dash["uid"] == "newsmon"
    used = metric_names()  # every expression parsed as PromQL
    assert used, "no metric names found"
    assert used <= exported_names(), used - exported_names()


def test_dockerfile_runs_as_a_user_with_a_healthcheck() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert "HEALTHCHECK" in text
    users = re.findall(r"^USER\s+(\S+)", text, re.M)
    assert users and users[-1] not in ("root", "0")
