"""Operations: the request id carried into logs and tasks, readiness probes, Prometheus metrics."""
