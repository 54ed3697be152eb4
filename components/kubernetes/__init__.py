"""Kubernetes objects as typed Python values (pulumi-kubernetes), secure by default."""

from components.kubernetes.namespace import Namespace, NamespaceArgs, PodSecurityLevel

__all__ = ["Namespace", "NamespaceArgs", "PodSecurityLevel"]
