FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    NEWSMON_CONFIG_DIR=/app/config \
    NEWSMON_SEEDS_DIR=/app/seeds \
    NEWSMON_METRICS_DIR=/tmp/newsmon-metrics \
    PROMETHEUS_MULTIPROC_DIR=/tmp/newsmon-metrics

WORKDIR /app
COPY pyproject.toml README.md ./
COPY monitor ./monitor
COPY workers ./workers
# config/ and seeds/ are package data too (the wheel's defaults); /app/config is mounted.
COPY config ./config
COPY seeds ./seeds
RUN pip install --no-cache-dir .

RUN useradd --system --uid 10001 --home /app newsmon && mkdir -p /tmp/newsmon-metrics \
    /var/lib/newsmon/archive && chown -R newsmon /tmp/newsmon-metrics /var/lib/newsmon
USER newsmon

EXPOSE 9108
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:9108/healthz', timeout=4).status == 200 else 1)"
CMD ["newsmon", "run"]
