"""A log agent on every node: Fluent Bit tailing container logs, enriched with pod metadata, shipped
to Elasticsearch (the course's fluentd/Elasticsearch picture), a Fluentd/Fluent Bit aggregator, or stdout.

Built from Pilothouse's own workload components (no chart): a ConfigMap with the pipeline, a
DaemonSet reading ``/var/log`` read-only, and the read-only RBAC the Kubernetes filter needs.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from enum import StrEnum

import pulumi
import pulumi_kubernetes as k8s

from pilothouse import api_validation
from pilothouse.errors import InvalidValueError
from pilothouse.images.reference import ImageRef
from pilothouse.kubernetes.config_map import ConfigMap, ConfigMapArgs
from pilothouse.kubernetes.container import Container
from pilothouse.kubernetes.daemon_set import DaemonSet, DaemonSetArgs
from pilothouse.kubernetes.names import dns_label, labels
from pilothouse.kubernetes.pod_spec import PodSpec
from pilothouse.kubernetes.ports import Port, port_number
from pilothouse.kubernetes.probes import Probe, Timing
from pilothouse.kubernetes.resources import Resources
from pilothouse.kubernetes.security import SecurityProfile
from pilothouse.kubernetes.volumes import HostPathType, Mount, Volume
from pilothouse.kubernetes.workload import NamespaceRef, namespace_name, require_privileged
from pilothouse.typed import Checked, checked_arguments

#: Fluent Bit, pinned; the team's update bot moves this tag.
FLUENT_BIT_IMAGE = "fluent/fluent-bit:3.2.2"
_WHY_ROOT = "reads container log files, which only their owner root may read; no capabilities, read-only root"
#: Its opt-outs, stated on the object for the policy pack and for checkov (its inline suppressions).
_OPT_OUTS = {
    "policy.pilothouse.io/runs-as-root": _WHY_ROOT,
    "checkov.io/skip1": f"CKV_K8S_23={_WHY_ROOT}",
    "checkov.io/skip2": "CKV_K8S_38=the Kubernetes filter reads pod metadata from the API with a read-only role",
}
#: An Elasticsearch index name (Create index API: lowercase; none of \\ / * ? " < > | space , # :; not starting
#: with - _ +; not . or ..; at most 255 bytes), narrowed to what Fluent Bit's es output passes through unchanged: it
#: formats the index with strftime (%), expands ${VAR} in every value, pastes it unescaped into JSON, and keeps
#: 254 bytes of it. So letters a-z, digits, '.', '_' and '-', starting with a letter or digit.
_INDEX = re.compile(r"[a-z0-9][a-z0-9._-]{0,253}", re.ASCII)


class SinkKind(StrEnum):
    """The kind of :class:`LogSink` the log agent ships to; each maps to a Fluent Bit output plugin.

    - ``elasticsearch``: the ``es`` plugin (host, port, TLS and index).
    - ``forward``: the ``forward`` plugin, to a Fluentd or Fluent Bit aggregator (host, port and TLS).
    - ``stdout``: the ``stdout`` plugin as JSON lines, into the agent's own log; no host or port.
    """

    ELASTICSEARCH = "elasticsearch"
    FORWARD = "forward"
    STDOUT = "stdout"


#: Fluent Bit's output plugin for each sink.
_PLUGIN = {SinkKind.ELASTICSEARCH: "es", SinkKind.FORWARD: "forward", SinkKind.STDOUT: "stdout"}


@dataclass(frozen=True)
class LogSink(Checked, prefix="log_agent"):
    """Where the logs go: ``LogSink.elasticsearch(...)``, ``LogSink.forward(...)`` or ``LogSink.stdout()``.

    Each value is written into Fluent Bit's configuration file, so each is held to a grammar that cannot change the
    file's meaning (no line breaks, no ``${VAR}``).

    Raises:
        InvalidValueError: naming ``log_agent.sink.host`` (not an IPv4 address or an RFC 1123 host name),
            ``log_agent.sink.port`` (not 1-65535) or ``log_agent.sink.index`` (not an Elasticsearch index name made
            of ``a-z0-9._-``, 1-254 characters: Fluent Bit formats it with strftime and pastes it into JSON).
    """

    kind: SinkKind
    host: str | None = None
    port: int | None = None
    tls: bool = False
    index: str | None = None

    def __post_init__(self) -> None:
        if self.kind is SinkKind.STDOUT:
            return
        if self.host is None or not _is_host(self.host):
            raise InvalidValueError("log_agent.sink.host", self.host,
                                    "an IPv4 address or a lowercase DNS host name such as 'elasticsearch.logging.svc' "
                                    "(RFC 1123: labels of 1-63 letters, digits and '-', at most 253 characters)")
        port_number("log_agent.sink.port", self.port if self.port is not None else 0)
        if self.kind is SinkKind.ELASTICSEARCH and (self.index is None or not _INDEX.fullmatch(self.index)):
            raise InvalidValueError("log_agent.sink.index", self.index,
                                    "an Elasticsearch index name of 1-254 characters: lowercase letters a-z, digits, "
                                    "'.', '_' and '-', starting with a letter or digit")

    @classmethod
    @checked_arguments("log_agent")
    def elasticsearch(cls, host: str, *, port: int = 9200, index: str = "kubernetes", tls: bool = True) -> LogSink:
        return cls(SinkKind.ELASTICSEARCH, host, port, tls, index)

    @classmethod
    @checked_arguments("log_agent")
    def forward(cls, host: str, *, port: int = 24224, tls: bool = True) -> LogSink:
        """To a Fluentd or Fluent Bit aggregator (forward protocol)."""
        return cls(SinkKind.FORWARD, host, port, tls)

    @classmethod
    @checked_arguments("log_agent")
    def stdout(cls) -> LogSink:
        """Into the agent's own log: for clusters without a log store, and for trying the pipeline."""
        return cls(SinkKind.STDOUT)

    def output(self) -> str:
        lines = [f"Name {_PLUGIN[self.kind]}", "Match kube.*"]
        if self.kind is not SinkKind.STDOUT:
            lines += [f"Host {self.host}", f"Port {self.port}", f"tls {'On' if self.tls else 'Off'}"]
        if self.kind is SinkKind.ELASTICSEARCH:
            lines += [f"Index {self.index}", "Suppress_Type_Name On", "Replace_Dots On"]
        if self.kind is SinkKind.STDOUT:
            lines.append("Format json_lines")
        return _section("OUTPUT", lines)


def _is_host(value: str) -> bool:
    """An IPv4 address, or a DNS host name (RFC 1123) whose last label is not all digits (a mistyped address)."""
    try:
        ipaddress.IPv4Address(value)
        return True
    except ValueError:
        pass
    labels = value.split(".")
    return (not api_validation.is_dns1123_subdomain(value) and all(len(label) <= 63 for label in labels)
            and not labels[-1].isdigit())


def _section(name: str, lines: list[str]) -> str:
    return f"[{name}]\n" + "".join(f"    {line}\n" for line in lines)


@dataclass(frozen=True, kw_only=True)
class LogAgentArgs(Checked, prefix="log_agent"):
    """What a :class:`LogAgent` (Fluent Bit as a DaemonSet) needs; checked when declared.

    Fields:
        namespace: where the agent runs; a :class:`Namespace` of ours must have Pod Security ``privileged``, as
            the agent reads the node's ``/var/log`` through a hostPath volume.
        sink: where the logs go (:class:`LogSink`).
        name: a DNS-1123 label (default ``"log-agent"``) naming the DaemonSet, its ConfigMap and ServiceAccount,
            and, prefixed ``pilothouse-``, its ClusterRole and ClusterRoleBinding.
        image: the Fluent Bit image reference (default :data:`FLUENT_BIT_IMAGE`).
        node_selector: node labels the agent's pods are limited to (default empty: every node); label keys and
            values as Kubernetes allows them (``log_agent.node_selector[<key>]``), kept sorted by key.
        resources: the container's requests and limits (default requests ``20m`` CPU / ``32Mi`` memory, limits
            ``200m`` / ``128Mi``).

    Raises:
        InvalidValueError: naming ``log_agent.name`` (not a DNS-1123 label), ``log_agent.image`` (not an image
            reference), ``log_agent.node_selector[<key>]`` (not a label key and value) or ``log_agent.namespace``
            (a namespace of ours that is not privileged).
    """

    namespace: NamespaceRef
    sink: LogSink
    name: str = "log-agent"
    image: str = FLUENT_BIT_IMAGE
    node_selector: dict[str, str] = field(default_factory=dict)
    resources: Resources = field(default_factory=lambda: Resources.of(
        cpu="20m", memory="32Mi", cpu_limit="200m", memory_limit="128Mi"))

    def __post_init__(self) -> None:
        dns_label("log_agent.name", self.name)
        object.__setattr__(self, "node_selector", labels("log_agent.node_selector", self.node_selector))
        ImageRef.parse(self.image, "log_agent.image")
        require_privileged(self.namespace, "log_agent.namespace", self.privileged_because)

    @property
    def privileged_because(self) -> str | None:
        """Why the agent's namespace must have Pod Security ``privileged`` (always: it reads the host)."""
        return "(the agent reads the node's /var/log through a hostPath volume)"

    def pipeline(self) -> str:
        service = _section("SERVICE", ["Flush 5", "Log_Level info", "Parsers_File /fluent-bit/etc/parsers.conf",
                                       "HTTP_Server On", "HTTP_Listen 0.0.0.0", "HTTP_Port 2020",
                                       "Health_Check On"])
        tail = _section("INPUT", ["Name tail", "Path /var/log/containers/*.log", "multiline.parser docker, cri",
                                  "Tag kube.*", "Mem_Buf_Limit 5MB", "Skip_Long_Lines On"])
        kubernetes = _section("FILTER", ["Name kubernetes", "Match kube.*", "Merge_Log On", "Keep_Log Off",
                                         "K8S-Logging.Parser On", "K8S-Logging.Exclude On"])
        return "\n".join((service, tail, kubernetes, self.sink.output()))


class LogAgent(pulumi.ComponentResource):
    """Fluent Bit as a DaemonSet; its pods roll when the pipeline changes."""

    def __init__(self, resource_name: str, args: LogAgentArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("pilothouse:addons:LogAgent", resource_name, None, opts)
        self.args = args
        with_parent = pulumi.ResourceOptions(parent=self)
        namespace = namespace_name(args.namespace)
        account = k8s.core.v1.ServiceAccount(resource_name, opts=with_parent, automount_service_account_token=False,
                                             metadata={"name": args.name, "namespace": namespace})
        # The Kubernetes filter reads pod and namespace metadata, nothing else.
        role = k8s.rbac.v1.ClusterRole(resource_name, opts=with_parent, metadata={"name": f"pilothouse-{args.name}"},
                                       rules=[{"apiGroups": [""], "resources": ["namespaces", "pods"],
                                               "verbs": ["get", "list", "watch"]}])
        k8s.rbac.v1.ClusterRoleBinding(
            resource_name, opts=with_parent, metadata={"name": f"pilothouse-{args.name}"},
            role_ref={"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role.metadata.name},
            subjects=[{"kind": "ServiceAccount", "name": args.name, "namespace": namespace}])
        pipeline = ConfigMap(resource_name, ConfigMapArgs(name=args.name, namespace=args.namespace,
                                                          data={"fluent-bit.conf": args.pipeline()}), with_parent)
        logs = Volume.host_path("varlog", "/var/log", HostPathType.DIRECTORY)
        # Root, because container log files are readable by their owner (root) only; confined otherwise.
        agent = Container(
            name="fluent-bit", image=args.image, ports=(Port(2020, "http"),), security=SecurityProfile.HOST_READER,
            args=("--config=/fluent-bit/etc/pilothouse/fluent-bit.conf",),
            resources=args.resources, readiness=Probe.http("/api/v1/health", port="http"),
            liveness=Probe.http("/api/v1/health", port="http", timing=Timing(period_seconds=30)),
            mounts=(Mount(logs, "/var/log", read_only=True),
                    Mount(pipeline.volume("pipeline"), "/fluent-bit/etc/pilothouse", read_only=True)))
        self.daemon_set = DaemonSet(resource_name, DaemonSetArgs(
            name=args.name, namespace=args.namespace, annotations=_OPT_OUTS, pod=PodSpec(
                containers=(agent,), node_selector=args.node_selector, service_account=args.name,
                automount_service_account_token=True)),
            pulumi.ResourceOptions(parent=self, depends_on=[account]))
        self.register_outputs({"name": args.name})
