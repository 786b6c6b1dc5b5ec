"""Kept so that jobs enqueued under these names before they moved to monitor.jobs still
run after an upgrade; new jobs name monitor.jobs."""

from monitor.jobs import deliver_alert, deliver_retraction, process_article, process_articles

__all__ = ["deliver_alert", "deliver_retraction", "process_article", "process_articles"]
