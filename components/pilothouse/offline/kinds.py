"""Kubernetes kinds that belong to no namespace (the render files them under ``_cluster``; a read of
one has no namespace)."""

CLUSTER_SCOPED_KINDS = frozenset({
    "APIService", "ClusterRole", "ClusterRoleBinding", "CSIDriver", "CustomResourceDefinition",
    "IngressClass", "MutatingWebhookConfiguration", "Namespace", "Node", "PersistentVolume",
    "PriorityClass", "RuntimeClass", "StorageClass", "ValidatingWebhookConfiguration",
})
