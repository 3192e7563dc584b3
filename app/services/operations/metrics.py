"""Prometheus metrics: requests, task durations and letters rendered counted where they happen; the outbox
backlog and the queue depth read when Prometheus asks (a cheap grouped query, one LLEN).

Several processes (gunicorn workers, Celery's pool) each count their own: with PROMETHEUS_MULTIPROC_DIR set
(in the environment of every process, before it starts: prometheus-client reads it when imported) they write
to files there and a scrape of any web process adds up all of them on that host (README, Operations).
"""
from __future__ import annotations

from flask import Flask
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily

from app import clock
from app.services.delivery import outbox

CONTENT_TYPE = CONTENT_TYPE_LATEST
PREFIX = "foreningsstotte_"
# Not in prometheus-client's default registry: a scrape builds its own (single or multi-process).
REQUEST_DURATION = Histogram(PREFIX + "http_request_duration_seconds",
                             "Web requests by endpoint, method and status, and how long they took.",
                             ("endpoint", "method", "status"), registry=None)
TASK_DURATION = Histogram(PREFIX + "task_duration_seconds", "Celery tasks by name and end state, and how long they took.",
                          ("task", "state"), registry=None,
                          buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300))
LETTERS_RENDERED = Counter(PREFIX + "letters_rendered", "Letters rendered by the letter channel, by template.",
                           ("template",), registry=None)
OWN_METRICS = (REQUEST_DURATION, TASK_DURATION, LETTERS_RENDERED)
BACKLOG_STATUSES = ("pending", "failed")
QUEUE_TIMEOUT_SECONDS = 0.5


def exposition(app: Flask) -> bytes:
    """The text Prometheus scrapes: this process's (or this host's, multi-process) counts and the live gauges."""
    registry = CollectorRegistry()
    folder = app.config.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        multiprocess.MultiProcessCollector(registry, path=folder)
    else:
        for metric in OWN_METRICS:
            registry.register(metric)
    registry.register(OutboxCollector(app))
    registry.register(QueueCollector(app))
    return generate_latest(registry)


class OutboxCollector:
    """Pending and failed outbox rows by channel, and the age of the oldest pending one."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self):
        up = GaugeMetricFamily(PREFIX + "outbox_scrape_up", "1 when the outbox could be read for this scrape.")
        try:
            with self.app.app_context():
                rows, channels = outbox.backlog(BACKLOG_STATUSES), sorted(outbox.ADAPTERS)
                now = clock.now()
        except Exception as exc:  # a scrape must still answer when the database does not
            self.app.logger.warning("metrics: the outbox could not be read: %s", exc)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        counts = {(channel, status): 0 for channel in channels for status in BACKLOG_STATUSES}
        oldest = {}
        for channel, status, count, first in rows:
            counts[(channel, status)] = count
            if status == "pending" and first is not None:
                oldest[channel] = max(0.0, (now - first).total_seconds())
        messages = GaugeMetricFamily(PREFIX + "outbox_messages", "Outbox rows waiting (pending) or given up (failed).",
                                     labels=("channel", "status"))
        for (channel, status), count in sorted(counts.items()):
            messages.add_metric([channel, status], count)
        age = GaugeMetricFamily(PREFIX + "outbox_oldest_pending_age_seconds",
                                "Age of the oldest pending outbox row, by channel (0 when none waits).", labels=("channel",))
        for channel in sorted(set(channels) | set(oldest)):
            age.add_metric([channel], oldest.get(channel, 0.0))
        yield messages
        yield age


class QueueCollector:
    """Messages waiting in the Celery queue on Redis (none without a broker: tasks then run in the process)."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self):
        url = self.app.config.get("REDIS_URL")
        if not url:
            return
        queue = self.app.config["CELERY"].get("task_default_queue", "celery")
        gauge = GaugeMetricFamily(PREFIX + "queue_length", "Tasks waiting in the broker's queue.", labels=("queue",))
        import redis  # only where a broker is configured; the embedded default has none

        client = redis.Redis.from_url(url, socket_connect_timeout=QUEUE_TIMEOUT_SECONDS,
                                      socket_timeout=QUEUE_TIMEOUT_SECONDS)
        try:
            gauge.add_metric([queue], client.llen(queue))
        except redis.RedisError as exc:
            self.app.logger.warning("metrics: the queue length could not be read: %s", exc)
            return
        finally:
            client.close()
        yield gauge
