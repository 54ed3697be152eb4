"""The sample web service the image layer builds: health, readiness and Prometheus metrics."""
