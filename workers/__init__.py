"""RQ job entry points: thin wrappers that find their Redis and call monitor.pipeline."""
