"""Kubernetes objects as typed Python values (pulumi-kubernetes), secure by default.

A class that stands for one Kubernetes object is that object: a typed subclass of the
pulumi-kubernetes resource, registering exactly what a hand-written program would. A class that
makes several objects (``Namespace``, ``StatefulSet``) is a ``pilothouse:kubernetes:*`` component.
"""

from components.kubernetes.autoscaling import (
    HorizontalPodAutoscaler,
    HorizontalPodAutoscalerArgs,
    PodDisruptionBudget,
    PodDisruptionBudgetArgs,
)
from components.kubernetes.config_map import ConfigMap, ConfigMapArgs
from components.kubernetes.container import Container, PullPolicy
from components.kubernetes.daemon_set import DaemonSet, DaemonSetArgs
from components.kubernetes.deployment import Deployment, DeploymentArgs, Recreate, RollingUpdate
from components.kubernetes.env import EnvValue
from components.kubernetes.ingress import Ingress, IngressArgs, IngressClass, PathType, Route, Tls
from components.kubernetes.job import ConcurrencyPolicy, CronJob, CronJobArgs, Job, JobArgs, JobSpec
from components.kubernetes.namespace import Namespace, NamespaceArgs, PodSecurityLevel
from components.kubernetes.network_policy import Direction, TrafficRule
from components.kubernetes.pod import Pod, PodArgs
from components.kubernetes.pod_spec import PodSpec, RestartPolicy, TaintEffect, Toleration
from components.kubernetes.ports import Port, Protocol
from components.kubernetes.probes import Probe, Scheme, Timing
from components.kubernetes.quantity import Quantity
from components.kubernetes.quota import LimitDefaults, Quota
from components.kubernetes.resources import Resources
from components.kubernetes.secret import Secret, SecretArgs, SecretType
from components.kubernetes.security import SecurityProfile
from components.kubernetes.selectors import LabelSelector, Operator, Requirement, require_nodes, spread_by
from components.kubernetes.service import Service, ServiceArgs, ServicePort, ServiceType
from components.kubernetes.service_monitor import Scraping
from components.kubernetes.stateful_set import ClaimTemplate, PodManagement, StatefulSet, StatefulSetArgs
from components.kubernetes.storage import (
    AccessMode,
    AzureDiskSku,
    AzureFileSku,
    BindingMode,
    PersistentVolumeClaim,
    PersistentVolumeClaimArgs,
    ReclaimPolicy,
    StorageClass,
    StorageClassArgs,
)
from components.kubernetes.volumes import HostPathType, Mount, Volume

__all__ = [
    "AccessMode",
    "AzureDiskSku",
    "AzureFileSku",
    "BindingMode",
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
    "Mount",
    "Namespace",
    "NamespaceArgs",
    "Operator",
    "PathType",
    "PersistentVolumeClaim",
    "PersistentVolumeClaimArgs",
    "Pod",
    "PodArgs",
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
    "ReclaimPolicy",
    "Recreate",
    "Requirement",
    "Resources",
    "RestartPolicy",
    "RollingUpdate",
    "Route",
    "Scheme",
    "Scraping",
    "Secret",
    "SecretArgs",
    "SecretType",
    "SecurityProfile",
    "Service",
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
    "require_nodes",
    "spread_by",
]
