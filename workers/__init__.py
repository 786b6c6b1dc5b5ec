"""The job entry points' former home, kept for jobs enqueued under these names: the jobs
are monitor/jobs.py (monitor/worker.py is the worker that runs them)."""
