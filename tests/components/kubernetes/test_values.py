"""Quantities, resources, ports, probes, env values and volumes: good and bad input."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.env import EnvValue, env_list
from pilothouse.kubernetes.ports import Port
from pilothouse.kubernetes.probes import Probe, Timing
from pilothouse.kubernetes.quantity import Quantity
from pilothouse.kubernetes.resources import Resources
from pilothouse.kubernetes.selectors import LabelSelector, Operator, Requirement, require_nodes, spread_by
from pilothouse.kubernetes.volumes import HostPathType, Mount, Volume
from tests.messages import CONFIG_KEY, DNS1123_LABEL, DNS1123_SUBDOMAIN, ENV_VAR_NAME, LABEL_VALUE

QUANTITY_RULE = ("a Kubernetes quantity: a non-negative number with an optional suffix (n, u, m, k, M, G, T, P, E, "
                 "Ki, Mi, Gi, Ti, Pi, Ei, or an exponent such as e3) such as '250m', '1', '64Mi' or '1Gi'")


@pytest.mark.parametrize(("text", "value"), [("250m", Decimal("0.25")), ("1", Decimal(1)), ("64Mi", Decimal(2**26)),
                                             ("1Gi", Decimal(2**30)), ("1e3", Decimal(1000)), ("0.5", Decimal("0.5")),
                                             ("128974848", Decimal(128974848)), ("129M", Decimal(129_000_000))])
def test_quantities_parse_to_their_value(text: str, value: Decimal) -> None:
    assert Quantity.parse(text).value == value
    assert str(Quantity.parse(text)) == text


@pytest.mark.parametrize("text", ["-1", "1Mb", "abc", "", "1i", "1.5.2", "Mi"])
def test_bad_quantities_are_rejected(text: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        Quantity.parse(text, "cpu")
    assert str(error.value) == f"cpu: got {text!r}; expected {QUANTITY_RULE}"


def test_quantities_from_numbers_and_factories() -> None:
    assert str(Quantity.parse(2)) == "2"
    assert str(Quantity.cpu_millis(250)) == "250m"
    assert str(Quantity.mebibytes(64)) == "64Mi"
    assert Quantity.gibibytes(1).value == Quantity.mebibytes(1024).value


@pytest.mark.parametrize(("number", "text"), [(0.5, "500m"), (1e-05, "10u"), (2.5e-07, "250n"), (1e-09, "1n"),
                                               (2.0, "2"), (0.0, "0"), (-0.0, "0"), (1500.0, "1500"),
                                               (12345678.9, "12345678900m"), (1e18, "1000000000000000000")])
def test_a_float_is_written_as_the_api_server_writes_quantities(number: float, text: str) -> None:
    quantity = Quantity.parse(number, "cpu")
    assert (quantity.text, quantity.value) == (text, Decimal(repr(number)))


@pytest.mark.parametrize(("number", "allowed"), [
    (0.1 + 0.2, "a number with at most nine decimal places (1n, the API server's finest unit: it rounds a finer "
                "value up to the next one)"),
    (1e-10, "a number with at most nine decimal places (1n, the API server's finest unit: it rounds a finer value "
            "up to the next one)"),
    (-0.5, QUANTITY_RULE), (float("inf"), QUANTITY_RULE), (float("nan"), QUANTITY_RULE),
    (1e19, "a quantity of at most 2^63-1 (9223372036854775807); larger ones are capped by the API server"),
])
def test_a_float_the_api_server_would_round_or_refuse_is_refused(number: float, allowed: str) -> None:
    with pytest.raises(InvalidValueError) as refused:
        Quantity.parse(number, "cpu")
    assert str(refused.value) == f"cpu: got {number!r}; expected {allowed}"


class _Float64(float):
    """What numpy.float64 is: a float that writes itself another way."""

    def __repr__(self) -> str:
        return f"np.float64({float.__repr__(self)})"


def test_a_float_subclass_is_read_by_its_value() -> None:
    assert Quantity.parse(_Float64(0.5)).text == "500m"


@pytest.mark.parametrize(("number", "shown", "allowed"), [
    pytest.param(10**5000, "an integer of over 4000 digits", "a quantity of at most 2^63-1 "
                 "(9223372036854775807); larger ones are capped by the API server", id="huge"),
    pytest.param(-(10**5000), "an integer of over 4000 digits", QUANTITY_RULE, id="huge-negative"),
    pytest.param(-3, "-3", QUANTITY_RULE, id="negative"),
])
def test_an_int_out_of_range_is_refused_whatever_its_size(number: int, shown: str, allowed: str) -> None:
    with pytest.raises(InvalidValueError) as refused:
        Quantity.parse(number, "cpu")
    assert str(refused.value) == f"cpu: got {shown}; expected {allowed}"


@given(st.floats(min_value=0, max_value=1e12, allow_nan=False))
def test_any_float_is_refused_or_written_as_its_own_value(number: float) -> None:
    try:
        quantity = Quantity.parse(number)
    except InvalidValueError:
        assert Decimal(repr(number)).as_tuple().exponent < -9  # type: ignore[operator]
    else:
        assert quantity.value == Decimal(repr(number))
        assert quantity.text.rstrip("mun").isdigit()


@given(st.integers(min_value=0, max_value=10**6), st.sampled_from(["m", "", "k", "Mi", "Gi"]))
def test_any_well_formed_quantity_round_trips(number: int, suffix: str) -> None:
    assert str(Quantity.parse(f"{number}{suffix}")) == f"{number}{suffix}"


def test_resources_render_requests_and_limits() -> None:
    resources = Resources.of(cpu="250m", memory="64Mi", cpu_limit="500m", memory_limit="128Mi")
    assert resources.to_manifest() == {"requests": {"cpu": "250m", "memory": "64Mi"},
                                       "limits": {"cpu": "500m", "memory": "128Mi"}}


def test_a_limit_below_its_request_is_rejected() -> None:
    with pytest.raises(InvalidValueError) as error:
        Resources.of(memory="1Gi", memory_limit="512Mi")
    assert str(error.value) == "resources.memory_limit: got '512Mi'; expected a limit not below the memory request 1Gi"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"number": 0}, "port: got 0; expected a port number from 1 to 65535"),
    ({"number": 70000}, "port: got 70000; expected a port number from 1 to 65535"),
    ({"number": 80, "name": "HTTP"}, "port.name: got 'HTTP'; expected a port name: must contain only alpha-numeric "
                                     "characters (a-z, 0-9), and hyphens (-); must contain at least one letter (a-z)"),
    ({"number": 80, "name": "a-very-long-port-name"}, "port.name: got 'a-very-long-port-name'; expected a port "
                                                      "name: must be no more than 15 bytes"),
    ({"number": 80, "name": "a--b"}, "port.name: got 'a--b'; expected a port name: must not contain consecutive "
                                     "hyphens"),
])
def test_bad_ports_are_rejected(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        Port(**kwargs)
    assert str(error.value) == message


def test_probes_render_each_handler_with_the_timing_given() -> None:
    timing = Timing(initial_delay_seconds=3, period_seconds=3)
    assert Probe.http("/healthz", 8080, headers={"Custom-Header": "Awesome"}, timing=timing).to_manifest() == {
        "httpGet": {"path": "/healthz", "port": 8080, "httpHeaders": [{"name": "Custom-Header", "value": "Awesome"}]},
        "initialDelaySeconds": 3, "periodSeconds": 3}
    assert Probe.exec(["cat", "/tmp/healthy"]).to_manifest() == {"exec": {"command": ["cat", "/tmp/healthy"]}}
    assert Probe.tcp("http").to_manifest() == {"tcpSocket": {"port": "http"}}


@pytest.mark.parametrize(("build", "message"), [
    (lambda: Probe.http("healthz"), "probe.path: got 'healthz'; expected an absolute HTTP path starting with '/'"),
    (lambda: Probe.exec("cat /tmp/healthy"), "probe.command: got 'cat /tmp/healthy'; expected a non-empty list of "
                                             "arguments such as ['cat', '/tmp/healthy']"),
    (lambda: Probe.tcp(0), "probe.port: got 0; expected a port number from 1 to 65535"),
    (lambda: Timing(period_seconds=0), "probe.period_seconds: got 0; expected an integer from 1 to 2147483647"),
])
def test_bad_probes_are_rejected(build: Any, message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        build()
    assert str(error.value) == message


def test_env_values_from_literals_config_maps_secrets_and_fields() -> None:
    assert env_list({"LOG_LEVEL": "info", "SPECIAL_LEVEL": EnvValue.from_config_map("special-config", "special.how"),
                     "DB_PASSWORD": EnvValue.from_secret("db", "password"),
                     "POD_NAME": EnvValue.from_field("metadata.name")}) == [
        {"name": "LOG_LEVEL", "value": "info"},
        {"name": "SPECIAL_LEVEL", "valueFrom": {"configMapKeyRef": {"name": "special-config", "key": "special.how"}}},
        {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}},
        {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
    ]


@pytest.mark.parametrize(("build", "message"), [
    (lambda: env_list({"1ST": "x"}), f"env['1ST']: got '1ST'; expected {ENV_VAR_NAME}"),
    (lambda: EnvValue.from_secret("db", "pass word"), f"env.key: got 'pass word'; expected {CONFIG_KEY}"),
    (lambda: EnvValue.from_secret("db", ".."), "env.key: got '..'; expected a data key: must not be '..'"),
    (lambda: EnvValue.from_config_map("Config", "k"), f"env.config_map: got 'Config'; expected {DNS1123_SUBDOMAIN}"),
    (lambda: EnvValue.from_field("metadata.labels"), "env.field: got 'metadata.labels'; expected one of "
                                                     "metadata.name, metadata.namespace, metadata.uid, spec.host, "
                                                     "spec.nodeName, spec.serviceAccountName, status.hostIP, "
                                                     "status.hostIPs, status.podIP, status.podIPs, or "
                                                     "metadata.labels['<key>'] / metadata.annotations['<key>']"),
])
def test_bad_env_is_rejected(build: Any, message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        build()
    assert str(error.value) == message


def test_volume_sources() -> None:
    assert Volume.host_path("logs", "/var/log", HostPathType.DIRECTORY).to_manifest() == {
        "name": "logs", "hostPath": {"path": "/var/log", "type": "Directory"}}
    assert Volume.empty_dir("cache", memory=True, size_limit="64Mi").to_manifest() == {
        "name": "cache", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}}
    assert Volume.claim("data", "azure-managed-disk").to_manifest() == {
        "name": "data", "persistentVolumeClaim": {"claimName": "azure-managed-disk"}}
    assert Volume.secret("certs", "tls").to_manifest() == {"name": "certs", "secret": {"secretName": "tls"}}
    assert Volume.config_map("conf", "app", items={"a.conf": "a.conf"}).to_manifest() == {
        "name": "conf", "configMap": {"name": "app", "items": [{"key": "a.conf", "path": "a.conf"}]}}
    assert Volume.csi("kv", "secrets-store.csi.k8s.io", read_only=True).to_manifest() == {
        "name": "kv", "csi": {"driver": "secrets-store.csi.k8s.io", "readOnly": True}}


@pytest.mark.parametrize(("build", "message"), [
    (lambda: Volume.host_path("logs", "var/log"), "volume.path: got 'var/log'; expected an absolute path on the node"),
    (lambda: Volume.empty_dir("Cache"), f"volume.name: got 'Cache'; expected {DNS1123_LABEL}"),
    (lambda: Mount(Volume.empty_dir("cache"), "cache"), "mount.path: got 'cache'; expected an absolute path in the "
                                                        "container"),
])
def test_bad_volumes_are_rejected(build: Any, message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        build()
    assert str(error.value) == message


def test_selectors_equality_and_set_based() -> None:
    selector = LabelSelector.where(app="web").with_in("env", "test", "prod").without_key("canary")
    assert selector.to_manifest() == {"matchLabels": {"app": "web"}, "matchExpressions": [
        {"key": "env", "operator": "In", "values": ["test", "prod"]}, {"key": "canary", "operator": "DoesNotExist"}]}
    assert require_nodes(LabelSelector.where(disktype="ssd")) == {"nodeAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [
            {"key": "disktype", "operator": "In", "values": ["ssd"]}]}]}}}
    assert spread_by({"app": "web"})["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"][0][
        "podAffinityTerm"]["topologyKey"] == "topology.kubernetes.io/zone"


@pytest.mark.parametrize(("build", "message"), [
    (lambda: Requirement("env", Operator.IN), "selector.values: got []; expected at least one value with operator "
                                              "'In'"),
    (lambda: Requirement("env", Operator.EXISTS, ("x",)), "selector.values: got ['x']; expected no values with "
                                                          "operator 'Exists'"),
    (lambda: LabelSelector.where(app="web app"), f"selector.match_labels['app']: got 'web app'; expected "
                                                 f"{LABEL_VALUE}"),
])
def test_bad_selectors_are_rejected(build: Any, message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        build()
    assert str(error.value) == message
