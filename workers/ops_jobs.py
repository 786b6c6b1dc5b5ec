"""Kept so that notices enqueued under this name (monitor/alerts/ops.py still uses it) run;
the job is monitor.jobs.deliver_ops."""

from monitor.jobs import deliver_ops

__all__ = ["deliver_ops"]
