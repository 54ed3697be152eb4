"""Differential tests: for generated values of every public value type, Pilothouse accepts ⇔ the API server accepts.

Each case builds the value with Pilothouse's public constructor and sends a minimal object carrying the same
value to the local API server as a server-side dry run. A disagreement fails the test unless one of the
deliberate stricter rules (``DELIBERATE``, also in docs/kubernetes.md) explains it. The generators aim at the
edges: empty, the maximum length and one more, a leading digit or separator, consecutive separators, upper
case, non-ASCII digits and letters, surrounding whitespace.

``PILOTHOUSE_ORACLE_SEED`` repeats a run; ``PILOTHOUSE_ORACLE_EXAMPLES`` sets the cases per value type.
"""

from __future__ import annotations

import os
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes import (
    ConfigMapArgs,
    Container,
    CronJobArgs,
    EnvValue,
    JobSpec,
    NamespaceArgs,
    PodSpec,
    Port,
    Probe,
    Quota,
    Resources,
    RestartPolicy,
    ServiceArgs,
    ServicePort,
    Timing,
)
from pilothouse.kubernetes.ingress import Route
from pilothouse.kubernetes.quantity import quantity_value
from pilothouse.kubernetes.storage import AccessMode, PersistentVolumeClaimArgs, StorageClassArgs
from pilothouse.kubernetes.volumes import Mount, Volume
from tests.oracle import collected
from tests.oracle.server import NAMESPACE_PREFIX, Oracle

pytestmark = [pytest.mark.e2e, pytest.mark.after_renders]

SEED = int(os.environ.get("PILOTHOUSE_ORACLE_SEED") or random.SystemRandom().randrange(2**32))
EXAMPLES = int(os.environ.get("PILOTHOUSE_ORACLE_EXAMPLES") or 400)
NAMESPACE = "oracle-values"
IMAGE = "registry.example.com/oracle/app:1.0"

# --- generators -------------------------------------------------------------------------------------------

#: Characters that sit on the edge of some rule, and some that are outside every rule.
EDGY = "az09-._/ \t*?#%:@~+=,!$&'()AZ\u0663\u00e9\u212a\n"
#: Lengths around the limits the rules have (15, 52, 63, 253).
LENGTHS = (0, 1, 2, 14, 15, 16, 51, 52, 53, 62, 63, 64, 252, 253, 254)


def _sized(alphabet: str) -> st.SearchStrategy[str]:
    """A string of a boundary length over ``alphabet``, mostly valid characters with a few edgy ones."""
    return st.sampled_from(LENGTHS).flatmap(lambda n: st.text(alphabet=alphabet, min_size=n, max_size=n))


def _mutated(valid: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A valid value with one edge applied: padded, upper-cased, a doubled separator, an edgy character."""
    def mutate(value: str, how: int, char: str, where: int) -> str:
        position = where % (len(value) + 1)
        return (f" {value}", f"{value}\n", value.upper(), value.replace("-", "--"),
                value[:position] + char + value[position:], value[:position] + value[position + 1:],
                f"{char}{value}", f"{value}{char}")[how % 8]
    return st.builds(mutate, valid, st.integers(0, 7), st.sampled_from(EDGY), st.integers(0, 300))


def names(valid_regex: str, alphabet: str = "abcxyz019-.") -> st.SearchStrategy[str]:
    valid = st.from_regex(valid_regex, fullmatch=True)
    return st.one_of(valid, _mutated(valid), _sized(alphabet), _sized(alphabet + "A_/"), st.text(EDGY, max_size=20))


LABEL_NAME = r"[a-z0-9]([-a-z0-9_.]{0,8}[a-z0-9])?"
SUBDOMAIN = r"[a-z0-9]([-a-z0-9]{0,8}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,6}[a-z0-9])?){0,3}"


def quantities() -> st.SearchStrategy[str]:
    number = st.from_regex(r"[+-]?[0-9]{0,4}(\.[0-9]{0,3})?", fullmatch=True)
    suffix = st.sampled_from(["", "m", "n", "u", "k", "K", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi",
                              "Ei", "ki", "mi", "e3", "E2", "e-2", "e+4", "e", "e+", "E-", "e999", "E19", "i", " ",
                              "Mi ", "\u0663"])
    return st.one_of(st.builds(lambda n, s: n + s, number, suffix), st.text("0123456789.eEkKmMgGiI+- ", max_size=8))


def schedules() -> st.SearchStrategy[str]:
    atom = st.one_of(st.integers(-1, 62).map(str), st.sampled_from(["*", "?", "L", "W", "15W", "1#2", "jan", "Mon",
                                                                   "SUN", "dec", "fri-sat", "", "+5", "05", "٣"]))
    part = st.one_of(atom, st.builds(lambda a, b: f"{a}-{b}", atom, atom), st.builds(lambda a, b: f"{a}/{b}", atom,
                                                                                       atom))
    field = st.lists(part, min_size=1, max_size=3).map(",".join)
    spaces = st.sampled_from([" ", "  ", "\t", " \u00a0", "\x1c"])
    fields = st.lists(field, min_size=4, max_size=6).flatmap(
        lambda parts: spaces.map(lambda space: space.join(parts)))
    macros = st.sampled_from(["@daily", "@hourly", "@weekly", "@monthly", "@yearly", "@annually", "@midnight",
                              "@every 1h", "@every 90m", "@every 1.5h", "@every -1s", "@every 1", "@every ", "@Daily",
                              "@reboot", " @daily", "@daily ", "TZ=UTC 0 * * * *", "@every 1h30m", "@every .5s"])
    return st.one_of(fields, macros)


def time_zones() -> st.SearchStrategy[str]:
    known = st.sampled_from(["Asia/Seoul", "Etc/UTC", "UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires",
                             "Etc/GMT+5", "Local", "local", "EST5EDT", "GMT0", "Asia/seoul", "asia/seoul", "Mars/Base",
                             "", "/UTC", "UTC/", "Etc//UTC", "../UTC", "Asia/Seoul ", "Etc/GMT-14"])
    return st.one_of(known, _mutated(known), st.from_regex(r"[A-Za-z]{1,15}(/[A-Za-z_+-]{1,16}){0,2}", fullmatch=True))


# --- the value types ----------------------------------------------------------------------------------------


def _pod(container: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "value", "namespace": NAMESPACE},
            "spec": {"containers": [{"name": "app", "image": IMAGE, **container}]}}


def _pod_spec(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "value", "namespace": NAMESPACE},
            "spec": {"containers": [{"name": "app", "image": IMAGE}], **spec}}


def _config_map(**metadata: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "value", "namespace": NAMESPACE, **metadata}}


def _service(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "value", "namespace": NAMESPACE},
            "spec": {"selector": {"app": "value"}, "ports": [{"port": 80}], **spec}}


def _cron_job(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "value", "namespace": NAMESPACE},
            "spec": {"schedule": "0 3 * * *", "jobTemplate": {"spec": {"template": {"spec": {
                "restartPolicy": "Never", "containers": [{"name": "app", "image": IMAGE}]}}}}, **spec}}


def _ingress(host: str | None, path: str) -> dict[str, Any]:
    rule: dict[str, Any] = {"http": {"paths": [{"path": path, "pathType": "Prefix", "backend": {
        "service": {"name": "value", "port": {"number": 80}}}}]}}
    if host is not None:
        rule["host"] = host
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": "value", "namespace": NAMESPACE}, "spec": {"rules": [rule]}}


def _pod_volume(volume: dict[str, Any], **mount: str) -> dict[str, Any]:
    pod = _pod({"volumeMounts": [{"name": "data", "mountPath": "/data", **mount}]})
    pod["spec"]["volumes"] = [{"name": "data", **volume}]
    return pod


def _claim(size: str = "1Gi", modes: tuple[str, ...] = ("ReadWriteOnce",)) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "value", "namespace": NAMESPACE},
            "spec": {"accessModes": list(modes), "resources": {"requests": {"storage": size}}}}


def _storage_class(provisioner: str = "disk.csi.azure.com", **parameters: str) -> dict[str, Any]:
    storage_class = {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "oracle-value"},
                     "provisioner": provisioner}
    return {**storage_class, "parameters": parameters} if parameters else storage_class


#: Paths at the edges of the path rules: empty, '.', '..' as a whole element or inside one, absolute, trailing '/',
#: doubled '/', NUL, backslash, colon, non-ASCII, 255 and 256 bytes (one file name), 4096 (a whole path).
PATHS = ("", ".", "..", "./a", "a/.", "a/..", "../a", "a/../b", "..a", "a..", "a/./b", "/a", "a/", "a//b", "a\x00b",
         "a\\b", "a:b", "\u00fc", " a", "a ", "a" * 255, "a" * 256, "a/" * 2048, "..data", "a/..data")


def paths(absolute: bool) -> st.SearchStrategy[str]:
    edges = st.sampled_from([f"/{p}" if absolute and p else p for p in PATHS])
    return st.one_of(edges, st.from_regex(r"/?[a-z0-9._-]{1,8}(/[a-z0-9._-]{1,8}){0,2}/?", fullmatch=True),
                     _mutated(st.just("/var/lib/app" if absolute else "conf/app.yaml")))


def affinities() -> st.SearchStrategy[dict[str, Any]]:
    """Pod affinities: node terms (expressions and fields), pod (anti-)affinity terms, weights, topology keys,
    namespaces and label key lists, each part valid or at an edge."""
    keys = st.one_of(st.sampled_from(["zone", "kubernetes.io/hostname", "example.com/pool", "", "Bad Key", "a/b/c",
                                      "-x", "x" * 64, "beta.kubernetes.io/os", "node-role.kubernetes.io/master"]),
                     names(LABEL_NAME, "abcxyz019-._A/"))
    values = st.lists(st.one_of(st.sampled_from(["a", "", "-a", "1", "+1", "-7", "4.5", "x" * 64, "9" * 20, "a b"]),
                                names(LABEL_NAME)), max_size=2)
    weights = st.sampled_from([-1, 0, 1, 50, 100, 101])

    def requirement(operators: list[str], key: st.SearchStrategy[str] = keys,
                    value: st.SearchStrategy[list[str]] = values) -> st.SearchStrategy[dict[str, Any]]:
        return st.fixed_dictionaries({"key": key, "operator": st.sampled_from(operators)}, optional={"values": value})

    node_term = st.fixed_dictionaries({}, optional={
        "matchExpressions": st.lists(requirement(["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt", "in"]),
                                     max_size=2),
        "matchFields": st.lists(requirement(["In", "NotIn", "Exists"], st.sampled_from(
            ["metadata.name", "metadata.uid"]), st.lists(st.sampled_from(["node-1", "Node_1", "", "a.b"]),
                                                         max_size=2)), max_size=1)})
    selector = st.fixed_dictionaries({}, optional={
        "matchLabels": st.dictionaries(keys, st.sampled_from(["a", "", "-a", "x" * 64]), max_size=2),
        "matchExpressions": st.lists(requirement(["In", "NotIn", "Exists", "DoesNotExist", "Gt"]), max_size=2)})
    pod_term = st.fixed_dictionaries({"topologyKey": keys}, optional={
        "labelSelector": selector, "namespaceSelector": selector,
        "namespaces": st.lists(st.sampled_from(["shop", "Shop", "", "a.b", "x" * 64]), max_size=2),
        "matchLabelKeys": st.lists(keys, max_size=2), "mismatchLabelKeys": st.lists(keys, max_size=2)})
    rules = ("requiredDuringSchedulingIgnoredDuringExecution", "preferredDuringSchedulingIgnoredDuringExecution")
    pod_affinity = st.fixed_dictionaries({}, optional={
        rules[0]: st.lists(pod_term, max_size=2),
        rules[1]: st.lists(st.fixed_dictionaries({"weight": weights, "podAffinityTerm": pod_term}), max_size=2)})
    return st.fixed_dictionaries({}, optional={
        "nodeAffinity": st.fixed_dictionaries({}, optional={
            rules[0]: st.fixed_dictionaries({"nodeSelectorTerms": st.lists(node_term, max_size=2)}),
            rules[1]: st.lists(st.fixed_dictionaries({"weight": weights, "preference": node_term}), max_size=2)}),
        "podAffinity": pod_affinity, "podAntiAffinity": pod_affinity})


def _gt_lt_not_whole(affinity: dict[str, Any]) -> bool:
    node = affinity.get("nodeAffinity", {})
    terms = [*node.get("requiredDuringSchedulingIgnoredDuringExecution", {}).get("nodeSelectorTerms", []),
             *(each["preference"] for each in node.get("preferredDuringSchedulingIgnoredDuringExecution", []))]
    return any(requirement["operator"] in ("Gt", "Lt") and not all(
        re.fullmatch(r"[+-]?[0-9]+", value) and -2**63 <= int(value) < 2**63 for value in requirement.get("values", []))
               for term in terms for requirement in term.get("matchExpressions", []))


def _empty_required_node_term(affinity: dict[str, Any]) -> bool:
    required = affinity.get("nodeAffinity", {}).get("requiredDuringSchedulingIgnoredDuringExecution", {})
    return any(not term.get("matchExpressions") and not term.get("matchFields")
               for term in required.get("nodeSelectorTerms", []))


def _match_label_key_in_selector(affinity: dict[str, Any]) -> bool:
    terms = [term for kind in ("podAffinity", "podAntiAffinity") for term in (
        *affinity.get(kind, {}).get("requiredDuringSchedulingIgnoredDuringExecution", []),
        *(each["podAffinityTerm"] for each in affinity.get(kind, {}).get(
            "preferredDuringSchedulingIgnoredDuringExecution", [])))]
    return any(len(set(keys := term.get("matchLabelKeys", []))) < len(keys) or set(keys) & {
        *term.get("labelSelector", {}).get("matchLabels", {}),
        *(each["key"] for each in term.get("labelSelector", {}).get("matchExpressions", []))} for term in terms)


APP = Port.http(8080)
JOB_POD = PodSpec(containers=(Container(name="app", image=IMAGE),), restart_policy=RestartPolicy.NEVER)


@dataclass(frozen=True)
class ValueType:
    """One public value type: generated values, Pilothouse's constructor, the object the server judges."""

    name: str
    values: st.SearchStrategy[Any]
    build: Callable[[Any], object]
    server_object: Callable[[Any], dict[str, Any]]


VALUE_TYPES = [
    ValueType("namespace name (DNS-1123 label)", names(r"[a-z0-9]([-a-z0-9]{0,8}[a-z0-9])?"),
              lambda v: NamespaceArgs(name=v),
              lambda v: {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": v}}),
    ValueType("ConfigMap name (DNS-1123 subdomain)", names(SUBDOMAIN),
              lambda v: ConfigMapArgs(name=v, namespace=NAMESPACE),
              lambda v: _config_map(name=v)),
    ValueType("Service name (DNS-1035 label)", names(r"[a-z]([-a-z0-9]{0,8}[a-z0-9])?"),
              lambda v: ServiceArgs(name=v, namespace=NAMESPACE, selector={"app": "value"}, ports=(ServicePort(80),)),
              lambda v: {**_service(), "metadata": {"name": v, "namespace": NAMESPACE}}),
    ValueType("label key", st.one_of(names(LABEL_NAME, "abcxyz019-._A"),
                                     st.builds(lambda p, n: f"{p}/{n}", names(SUBDOMAIN), names(LABEL_NAME))),
              lambda v: ConfigMapArgs(name="value", namespace=NAMESPACE, labels={v: "x"}),
              lambda v: _config_map(labels={v: "x"})),
    ValueType("label value", names(LABEL_NAME, "abcxyz019-._A"),
              lambda v: ConfigMapArgs(name="value", namespace=NAMESPACE, labels={"key": v}),
              lambda v: _config_map(labels={"key": v})),
    ValueType("annotation key", st.one_of(names(LABEL_NAME, "abcxyz019-._A"),
                                          st.builds(lambda p, n: f"{p}/{n}", names(SUBDOMAIN), names(LABEL_NAME))),
              lambda v: ServiceArgs(name="value", namespace=NAMESPACE, selector={"app": "value"},
                                    ports=(ServicePort(80),), annotations={v: "x"}),
              lambda v: {**_service(), "metadata": {"name": "value", "namespace": NAMESPACE, "annotations": {v: "x"}}}),
    ValueType("data key", names(r"[-._a-zA-Z0-9]{1,12}", "abcxyz019-._A"),
              lambda v: ConfigMapArgs(name="value", namespace=NAMESPACE, data={v: "x"}),
              lambda v: {**_config_map(), "data": {v: "x"}}),
    ValueType("CPU quantity", quantities(), lambda v: Resources.of(cpu=v),
              lambda v: _pod({"resources": {"requests": {"cpu": v}}})),
    ValueType("memory quantity", quantities(), lambda v: Resources.of(memory=v),
              lambda v: _pod({"resources": {"requests": {"memory": v}}})),
    ValueType("container port name", names(r"[a-z0-9]([-a-z0-9]{0,12}[a-z0-9])?"), lambda v: Port(8080, v),
              lambda v: _pod({"ports": [{"containerPort": 8080, "name": v}]})),
    ValueType("container port number", st.integers(-2, 70000), Port,
              lambda v: _pod({"ports": [{"containerPort": v}]})),
    ValueType("Service port name", names(r"[a-z0-9]([-a-z0-9]{0,12}[a-z0-9])?"),
              lambda v: ServicePort(80, name=v),
              lambda v: _service(ports=[{"port": 80, "name": v}])),
    ValueType("Service target port name", names(r"[a-z0-9]([-a-z0-9]{0,12}[a-z0-9])?"),
              lambda v: ServicePort(80, target=v),
              lambda v: _service(ports=[{"port": 80, "targetPort": v}])),
    ValueType("liveness probe success threshold", st.integers(-1, 4),
              lambda v: Container(name="app", image=IMAGE, ports=(APP,),
                                  liveness=Probe.tcp(8080, timing=Timing(success_threshold=v))),
              lambda v: _pod({"ports": [{"containerPort": 8080}],
                              "livenessProbe": {"tcpSocket": {"port": 8080}, "successThreshold": v}})),
    ValueType("readiness probe timing", st.tuples(st.integers(-1, 3), st.integers(-1, 3), st.integers(-1, 3)),
              lambda v: Container(name="app", image=IMAGE, ports=(APP,), readiness=Probe.tcp(8080, timing=Timing(
                  period_seconds=v[0], timeout_seconds=v[1], failure_threshold=v[2]))),
              lambda v: _pod({"ports": [{"containerPort": 8080}], "readinessProbe": {
                  "tcpSocket": {"port": 8080}, "periodSeconds": v[0], "timeoutSeconds": v[1],
                  "failureThreshold": v[2]}})),
    ValueType("environment variable name", names(r"[-._a-zA-Z][-._a-zA-Z0-9]{0,10}", "abcxyzAZ019-._= "),
              lambda v: Container(name="app", image=IMAGE, env={v: "x"}),
              lambda v: _pod({"env": [{"name": v, "value": "x"}]})),
    ValueType("fieldRef path", st.one_of(
        st.sampled_from(["metadata.name", "metadata.namespace", "metadata.uid", "metadata.labels",
                         "metadata.annotations", "spec.nodeName", "spec.serviceAccountName", "status.hostIP",
                         "status.hostIPs", "status.podIP", "status.podIPs", "status.phase", "spec.host",
                         "metadata.name ", "Metadata.name", "metadata.labels['app']", "metadata.labels[app]",
                         "metadata.annotations['Example.com/X']", "metadata.labels['Example.com/X']",
                         "metadata.labels['']", "metadata.uid['x']", "metadata.labels['a']b']"]),
        st.builds(lambda kind, key: f"metadata.{kind}['{key}']", st.sampled_from(["labels", "annotations"]),
                  names(LABEL_NAME, "abcxyz019-._A/"))),
        EnvValue.from_field,
        lambda v: _pod({"env": [{"name": "X", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": v}}}]})),
    ValueType("CronJob schedule", schedules(),
              lambda v: CronJobArgs(name="value", namespace=NAMESPACE, schedule=v, job=JobSpec(pod=JOB_POD)),
              lambda v: _cron_job(schedule=v)),
    ValueType("CronJob time zone", time_zones(),
              lambda v: CronJobArgs(name="value", namespace=NAMESPACE, schedule="0 3 * * *", time_zone=v,
                                    job=JobSpec(pod=JOB_POD)),
              lambda v: _cron_job(timeZone=v)),
    ValueType("volume item path", paths(absolute=False),
              lambda v: Volume.config_map("data", "value", items={"key": v}),
              lambda v: _pod_volume({"configMap": {"name": "value", "items": [{"key": "key", "path": v}]}})),
    ValueType("mount path", paths(absolute=True), lambda v: Mount(Volume.empty_dir("data"), v),
              lambda v: _pod_volume({"emptyDir": {}}, mountPath=v)),
    ValueType("mount sub path", paths(absolute=False), lambda v: Mount(Volume.empty_dir("data"), "/data", sub_path=v),
              lambda v: _pod_volume({"emptyDir": {}}, subPath=v)),
    ValueType("working directory", paths(absolute=True),
              lambda v: Container(name="app", image=IMAGE, working_dir=v), lambda v: _pod({"workingDir": v})),
    ValueType("image reference", st.one_of(
        st.sampled_from(["nginx", "nginx:1.27", "Nginx:1", " nginx:1", "nginx:1 ", "nginx:1.2\u00e9", "-nginx:1",
                         "a" * 238, "a" * 237, "localhost:5000/app", "[::1]:5000/app", "Registry/app",
                         f"nginx@sha256:{'a' * 64}", "nginx@sha512:" + "a" * 128, "a//b", ""]),
        _mutated(st.just("myacr.azurecr.io/shop/api:1.4.2"))),
        lambda v: Container(name="app", image=v), lambda v: _pod({"image": v})),
    ValueType("pod affinity", affinities(),
              lambda v: PodSpec(containers=(Container(name="app", image=IMAGE),), affinity=v),
              lambda v: _pod_spec(affinity=v)),
    ValueType("claim size", quantities(),
              lambda v: PersistentVolumeClaimArgs(name="value", namespace=NAMESPACE, size=v),
              lambda v: _claim(size=v)),
    ValueType("claim access modes", st.lists(st.sampled_from(list(AccessMode)), min_size=1, max_size=3).map(tuple),
              lambda v: PersistentVolumeClaimArgs(name="value", namespace=NAMESPACE, size="1Gi", access_modes=v),
              lambda v: _claim(modes=tuple(map(str, v)))),
    ValueType("StorageClass provisioner", names(r"([a-z0-9]([-a-z0-9]*[a-z0-9])?\.){0,2}[a-z]{2,5}(/[a-z]{1,5})?",
                                                "abcAZ09-._/"),
              lambda v: StorageClassArgs(name="oracle-value", provisioner=v),
              lambda v: _storage_class(provisioner=v)),
    ValueType("StorageClass parameter", st.one_of(
        st.tuples(names(r"[a-zA-Z][a-zA-Z0-9]{0,8}", "abcAZ09-._/ "), st.just("x")),
        st.tuples(st.just("skuName"), st.sampled_from(["", "x" * 262144, "x" * 262136, "\u00fc"]))),
              lambda v: StorageClassArgs(name="oracle-value", provisioner="disk.csi.azure.com",
                                         parameters={v[0]: v[1]}),
              lambda v: _storage_class(**{v[0]: v[1]})),
    ValueType("quota object count name", st.one_of(
        st.sampled_from(["pods", "podz", "Pods", "services.nodeports", "count/deployments.apps", "count/pods",
                         "count/", "count/Deployments.apps", "example.com/widgets", "requests.cpu", "a/b/c", ""]),
        names(r"count/[a-z]{1,8}(\.[a-z]{1,8})?", "abcz.-/")),
              lambda v: Quota(counts={v: 1}),
              lambda v: {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "value",
                                                                                 "namespace": NAMESPACE},
                         "spec": {"hard": {v: "1"}}}),
    ValueType("Ingress host", st.one_of(names(SUBDOMAIN), st.builds(lambda h: f"*.{h}", names(SUBDOMAIN)),
                                        st.sampled_from(["1.2.3.4", "01.2.3.4", "256.1.1.1", "1.2.3", "*", "*.*.x",
                                                         "a.*.b", "localhost", "x.y:80", "[::1]", "0.0.0.0"])),
              lambda v: Route(host=v), lambda v: _ingress(v, "/")),
    ValueType("Ingress path", st.one_of(
        st.from_regex(r"/[a-z0-9._~%/-]{0,12}", fullmatch=True),
        st.sampled_from(["/", "//", "/a//b", "/./", "/a/.", "/a/..", "/a/../b", "/%2F", "/%2f", "/a b", "/ü", "/*",
                         "/a#b", "a", "", "/a?b", "/" + "a" * 1024, "/" + "a" * 1023, "/%", "/(x)"]),
        _mutated(st.just("/api/v1"))),
        lambda v: Route(path=v), lambda v: _ingress(None, v)),
]

# --- deliberate stricter rules --------------------------------------------------------------------------------


QUANTITIES = ("CPU quantity", "memory quantity", "claim size")
PORT_NAMES = ("container port name", "Service port name", "Service target port name")


@dataclass(frozen=True)
class Deliberate:
    """A value Pilothouse refuses and the API server takes, on purpose; the reason is in docs/kubernetes.md."""

    value_type: str
    applies: Callable[[Any], bool]
    reason: str


def _no_digit(value: str) -> bool:
    mantissa = re.match(r"[+-]?[0-9.]*", value)
    return mantissa is None or not any("0" <= char <= "9" for char in mantissa.group())


def _above_int64(value: str) -> bool:
    amount = quantity_value(value.strip())
    return amount is not None and amount > 2**63 - 1


def _fractional_bytes(value: str) -> bool:
    return (quantity_value(value.strip()) or 0) % 1 != 0


def _zero(value: Any) -> bool:
    return value == 0 or (isinstance(value, tuple) and 0 in value)


DELIBERATE = [
    *(Deliberate(name, lambda v: v != v.strip() and quantity_value(v.strip()) is not None,
                 "a quantity with surrounding whitespace, which the API server trims") for name in QUANTITIES),
    *(Deliberate(name, _above_int64, "a quantity above 2^63-1, which the API server caps") for name in QUANTITIES),
    *(Deliberate(name, lambda v: v == "", "an empty port name: no name is None") for name in PORT_NAMES),
    Deliberate("Ingress host", lambda v: v == "", "an empty host: any host is None"),
    *(Deliberate(name, lambda v: (quantity_value(v.strip()) or 0) > (2**63 - 1) // 1000,
                 "more than 2^63/1000 bytes (8 PiB), where the API server's fractional-byte check overflows")
      for name in ("memory quantity", "claim size")),
    Deliberate("claim size", _fractional_bytes, "a fractional number of bytes, which the API server rounds up"),
    Deliberate("memory quantity", _fractional_bytes,
               "a fractional number of bytes, which the API server takes with a warning, or without one when "
               "the fraction is finer than a thousandth and its thousandths, rounded up, make whole bytes "
               "('2999.8m')"),
    *(Deliberate(name, _zero, "a probe setting of 0, which the API server replaces by its default: the default "
                              "is None") for name in ("liveness probe success threshold", "readiness probe timing")),
    Deliberate("Service name (DNS-1035 label)", lambda v: v[:1].isdigit(),
               "a Service name starting with a digit, which only Kubernetes 1.36 and later take "
               "(RelaxedServiceNameValidation)"),
    Deliberate("CPU quantity", lambda v: v.startswith("-") or _no_digit(v),
               "a negative quantity, or one without a digit ('m', 'Ki'), which the API server reads as zero"),
    Deliberate("memory quantity", lambda v: v.startswith("-") or _no_digit(v),
               "a negative quantity, or one without a digit ('m', 'Ki'), which the API server reads as zero"),
    Deliberate("environment variable name", lambda v: True,
               "names outside IsEnvVarName, which only Kubernetes 1.34 and later take"),
    Deliberate("Ingress path", lambda v: True,
               "characters a URL path carries only percent-encoded, and paths longer than an HTTPRoute takes"),
    *(Deliberate(name, lambda v: "\x00" in v, "a NUL character, which no Linux path holds")
      for name in ("mount path", "mount sub path", "volume item path", "working directory")),
    *(Deliberate(name, lambda v: not v.startswith("/"), "a relative path: Linux mounts and runc's cwd are absolute")
      for name in ("mount path", "working directory")),
    Deliberate("quota object count name", lambda v: v.split(".")[-1] in ("cpu", "memory", "storage",
                                                                         "ephemeral-storage")
               or v.split(".")[-1].startswith("hugepages-"),
               "a compute or storage amount as an object count: Quota takes those in their own fields"),
    Deliberate("pod affinity", _gt_lt_not_whole,
               "a Gt or Lt node requirement whose value is not a whole number: the scheduler matches no node"),
    Deliberate("pod affinity", _empty_required_node_term,
               "an empty required node selector term, which matches no node"),
    Deliberate("pod affinity", _match_label_key_in_selector,
               "a matchLabelKeys key the labelSelector names or listed twice, refused by the API server once the "
               "pod carries it"),
    Deliberate("image reference", lambda v: True,
               "a reference outside distribution/reference's grammar, which the kubelet cannot pull, or a digest "
               "that is not sha256"),
]


def _explained(value_type: str, value: Any) -> bool:
    return any(rule.value_type == value_type and rule.applies(value) for rule in DELIBERATE)


# --- the test -----------------------------------------------------------------------------------------------


@dataclass
class Tally:
    cases: int = 0
    agreed: int = 0
    stricter: int = 0


def _pilothouse_accepts(value_type: ValueType, value: Any) -> bool:
    try:
        value_type.build(value)
    except InvalidValueError:
        return False
    return True


@pytest.mark.parametrize("value_type", VALUE_TYPES, ids=lambda value_type: value_type.name)
def test_pilothouse_accepts_what_the_api_server_accepts(value_type: ValueType, oracle: Oracle) -> None:
    oracle.check([{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NAMESPACE.removeprefix(
        NAMESPACE_PREFIX)}}])
    tally, disagreements = Tally(), []

    @seed(SEED)
    @settings(max_examples=EXAMPLES, database=None, deadline=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(value=value_type.values)
    def case(value: Any) -> None:
        ours = _pilothouse_accepts(value_type, value)  # any exception but InvalidValueError fails the test here
        reply = oracle.dry_run(value_type.server_object(value))
        theirs = reply.status in (200, 201) and not reply.warnings
        tally.cases += 1
        if ours == theirs:
            tally.agreed += 1
        elif not ours and _explained(value_type.name, value):
            tally.stricter += 1
        else:
            said = "; ".join(reply.warnings) or (reply.message if not theirs else "")
            disagreements.append(f"{value!r}: Pilothouse {'accepts' if ours else 'refuses'}, the API server "
                                 f"{'accepts' if theirs else 'refuses'}" + (f" ({said[:200]})" if said else ""))

    case()
    collected.cases[0] += tally.cases
    collected.report.append(f"{value_type.name}: seed {SEED}, {tally.cases} cases, {tally.agreed} agreed, "
                            f"{tally.stricter} refused by a deliberate stricter rule, "
                            f"{len(disagreements)} disagreements")
    assert not disagreements, "\n".join(sorted(set(disagreements))[:40])
