"""Kubernetes objects as typed Python values (pulumi-kubernetes), secure by default.

A class that stands for one Kubernetes object is that object: a typed subclass of the
pulumi-kubernetes resource, registering exactly what a hand-written program would. A class that
makes several objects (``Namespace``, ``StatefulSet``) is a ``pilothouse:kubernetes:*`` component.
"""

from pilothouse.kubernetes.autoscaling import (
    HorizontalPodAutoscaler,
    HorizontalPodAutoscalerArgs,
    PodDisruptionBudget,
    PodDisruptionBudgetArgs,
    autoscaled,
)
from pilothouse.kubernetes.config_map import ConfigMap, ConfigMapArgs
from pilothouse.kubernetes.container import Container, PullPolicy
from pilothouse.kubernetes.daemon_set import DaemonSet, DaemonSetArgs
from pilothouse.kubernetes.deployment import Deployment, DeploymentArgs, Recreate, RollingUpdate
from pilothouse.kubernetes.env import EnvValue
from pilothouse.kubernetes.gateway import (
    AllowedRoutes,
    CertificateRef,
    Gateway,
    GatewayArgs,
    GatewayClass,
    Listener,
    ListenerProtocol,
    RoutesFrom,
    attach_label,
)
from pilothouse.kubernetes.grpc_route import GRPCMatch, GRPCRoute, GRPCRouteArgs, GRPCRule
from pilothouse.kubernetes.http_route import (
    HTTPMatch,
    HTTPMethod,
    HTTPRoute,
    HTTPRouteArgs,
    HTTPRule,
    PathMatch,
    Redirect,
)
from pilothouse.kubernetes.ingress import Ingress, IngressArgs, IngressClass, PathType, Route, Tls
from pilothouse.kubernetes.job import ConcurrencyPolicy, CronJob, CronJobArgs, Job, JobArgs, JobSpec
from pilothouse.kubernetes.namespace import Namespace, NamespaceArgs, PodSecurityLevel
from pilothouse.kubernetes.network_policy import Direction, TrafficRule
from pilothouse.kubernetes.pod import Pod, PodArgs
from pilothouse.kubernetes.pod_spec import PodSpec, RestartPolicy, TaintEffect, Toleration
from pilothouse.kubernetes.ports import Port, Protocol
from pilothouse.kubernetes.probes import Probe, Scheme, Timing
from pilothouse.kubernetes.quantity import Quantity
from pilothouse.kubernetes.quota import LimitDefaults, LimitRangeError, PodDemand, Quota, QuotaAccount
from pilothouse.kubernetes.resources import Resources
from pilothouse.kubernetes.routes import HeaderChanges, HTTPBackend
from pilothouse.kubernetes.secret import Secret, SecretArgs, SecretType
from pilothouse.kubernetes.security import SecurityProfile
from pilothouse.kubernetes.selectors import (
    LabelSelector,
    Operator,
    Requirement,
    require_nodes,
    same_node_as,
    spread_by,
)
from pilothouse.kubernetes.service import Service, ServiceArgs, ServicePort, ServiceType
from pilothouse.kubernetes.service_account import ServiceAccount, ServiceAccountArgs
from pilothouse.kubernetes.service_monitor import Scraping
from pilothouse.kubernetes.stateful_set import ClaimTemplate, PodManagement, StatefulSet, StatefulSetArgs
from pilothouse.kubernetes.storage import (
    AccessMode,
    AzureDiskSku,
    AzureFileSku,
    BindingMode,
    PersistentVolume,
    PersistentVolumeArgs,
    PersistentVolumeClaim,
    PersistentVolumeClaimArgs,
    ReclaimPolicy,
    StorageClass,
    StorageClassArgs,
)
from pilothouse.kubernetes.volumes import HostPathType, Mount, Volume

__all__ = [
    "AccessMode",
    "AllowedRoutes",
    "AzureDiskSku",
    "AzureFileSku",
    "BindingMode",
    "CertificateRef",
    "ClaimTemplate",
    "ConcurrencyPolicy",
    "ConfigMap",
    "ConfigMapArgs",
    "Container",
    "CronJob",
    "CronJobArgs",
    "DaemonSet",
    "DaemonSetArgs",
    "Deployment",
    "DeploymentArgs",
    "Direction",
    "EnvValue",
    "GRPCMatch",
    "GRPCRoute",
    "GRPCRouteArgs",
    "GRPCRule",
    "Gateway",
    "GatewayArgs",
    "GatewayClass",
    "HTTPBackend",
    "HTTPMatch",
    "HTTPMethod",
    "HTTPRoute",
    "HTTPRouteArgs",
    "HTTPRule",
    "HeaderChanges",
    "HorizontalPodAutoscaler",
    "HorizontalPodAutoscalerArgs",
    "HostPathType",
    "Ingress",
    "IngressArgs",
    "IngressClass",
    "Job",
    "JobArgs",
    "JobSpec",
    "LabelSelector",
    "LimitDefaults",
    "LimitRangeError",
    "Listener",
    "ListenerProtocol",
    "Mount",
    "Namespace",
    "NamespaceArgs",
    "Operator",
    "PathMatch",
    "PathType",
    "PersistentVolume",
    "PersistentVolumeArgs",
    "PersistentVolumeClaim",
    "PersistentVolumeClaimArgs",
    "Pod",
    "PodArgs",
    "PodDemand",
    "PodDisruptionBudget",
    "PodDisruptionBudgetArgs",
    "PodManagement",
    "PodSecurityLevel",
    "PodSpec",
    "Port",
    "Probe",
    "Protocol",
    "PullPolicy",
    "Quantity",
    "Quota",
    "QuotaAccount",
    "ReclaimPolicy",
    "Recreate",
    "Redirect",
    "Requirement",
    "Resources",
    "RestartPolicy",
    "RollingUpdate",
    "Route",
    "RoutesFrom",
    "Scheme",
    "Scraping",
    "Secret",
    "SecretArgs",
    "SecretType",
    "SecurityProfile",
    "Service",
    "ServiceAccount",
    "ServiceAccountArgs",
    "ServiceArgs",
    "ServicePort",
    "ServiceType",
    "StatefulSet",
    "StatefulSetArgs",
    "StorageClass",
    "StorageClassArgs",
    "TaintEffect",
    "Timing",
    "Tls",
    "Toleration",
    "TrafficRule",
    "Volume",
    "attach_label",
    "autoscaled",
    "require_nodes",
    "same_node_as",
    "spread_by",
]
