"""Benchmarks: what Pilothouse costs on top of raw pulumi-kubernetes (``make bench``)."""
