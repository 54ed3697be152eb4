"""Kubernetes kinds that belong to no namespace (the render files them under ``_cluster``; a read of
one has no namespace).

The built-in ones are the types marked ``+genclient:nonNamespaced`` in ``k8s.io/api`` v0.37.2 (Kubernetes
1.37, alpha and beta groups included), with ``CustomResourceDefinition`` (apiextensions) and ``APIService``
(kube-aggregator); ``tests/oracle/test_cluster_scoped_kinds.py`` checks them against the API server's
discovery. Of custom resources, only those of the definitions this project installs (Gateway API's
``GatewayClass``): another custom kind is taken as namespaced.
"""

CLUSTER_SCOPED_KINDS = frozenset({
    "APIService", "CSIDriver", "CSINode", "CertificateSigningRequest", "ClusterRole", "ClusterRoleBinding",
    "ClusterTrustBundle", "ComponentStatus", "CustomResourceDefinition", "DeviceClass", "DeviceTaintRule",
    "FlowSchema", "IPAddress", "ImageReview", "IngressClass", "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding", "MutatingWebhookConfiguration", "Namespace", "Node", "PersistentVolume",
    "PriorityClass", "PriorityLevelConfiguration", "ResourcePoolStatusRequest", "ResourceSlice", "RuntimeClass",
    "SelfSubjectAccessReview", "SelfSubjectReview", "SelfSubjectRulesReview", "ServiceCIDR", "StorageClass",
    "StorageVersion", "StorageVersionMigration", "SubjectAccessReview", "TokenReview", "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding", "ValidatingWebhookConfiguration", "VolumeAttachment",
    "VolumeAttributesClass",
    "GatewayClass",
})
