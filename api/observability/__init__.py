"""What operators watch: Prometheus figures (metrics), one structured log line per request
(requests, logs), the GraphQL side of both (operations) and OpenTelemetry traces (tracing)."""
