"""Prometheus metrics (prometheus_client): the web's /metrics and the worker's process metrics."""
