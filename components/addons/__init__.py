"""Cluster add-ons installed from pinned Helm charts: the ingress controller, monitoring, the log agent."""
