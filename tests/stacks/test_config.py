from __future__ import annotations

from typing import Any

import pytest

import stacks
from components.errors import InvalidValueError
from stacks.config import Target, parse
from tests.conftest import RunProgram

LOCAL: dict[str, Any] = {"environment": "local", "target": "kubeconfig", "kubernetesVersion": "1.34",
                         "kubeconfig": ".pilothouse/cluster/kubeconfig",
                         "namespaces": [{"name": "shop", "labels": {"team": "shop"}}]}
DEV: dict[str, Any] = {"environment": "dev", "target": "aks", "kubernetesVersion": "1.34",
                       "network": {"vnetCidr": "10.10.0.0/16", "nodeSubnetCidr": "10.10.0.0/20"},
                       "nodePools": [{"name": "apps", "minCount": 0, "maxCount": 3, "spot": True}]}


def test_local_config_needs_no_azure() -> None:
    config = parse(LOCAL)
    assert config.target is Target.KUBECONFIG
    assert config.azure is None
    assert config.kubeconfig is not None
    assert config.kubeconfig.path == ".pilothouse/cluster/kubeconfig"
    assert [namespace.name for namespace in config.namespaces] == ["shop"]


def test_reference_workloads_need_their_namespaces_and_a_secret_password() -> None:
    reference = {**LOCAL, "referenceWorkloads": True, "namespaces": [{"name": "shop"}]}
    assert parse({**reference, "dbPassword": "pw"}, secret_keys=frozenset({"dbPassword"})).db_password == "pw"
    with pytest.raises(InvalidValueError) as error:
        parse({**reference, "dbPassword": "pw"})
    assert str(error.value) == ("pilothouse:dbPassword: got '(plain text)'; expected a secret: set it with "
                                "`pulumi config set --secret dbPassword <value>`")
    with pytest.raises(InvalidValueError) as error:
        parse(reference)
    assert str(error.value) == ("pilothouse:dbPassword: got None; expected a secret database password for the "
                                "reference workloads: `pulumi config set --secret dbPassword`")
    with pytest.raises(InvalidValueError) as error:
        parse({**LOCAL, "referenceWorkloads": True, "namespaces": []})
    assert str(error.value) == ("pilothouse:namespaces: got []; expected the namespaces ['shop'] the reference "
                                "workloads run in")


ADDON_NAMESPACES = [{"name": "shop"}, {"name": "ingress", "isolated": False},
                    {"name": "monitoring", "podSecurity": "privileged", "isolated": False}]


def test_addons_from_config() -> None:
    config = parse({**LOCAL, "namespaces": ADDON_NAMESPACES, "ingress": {"replicas": 1, "host": "shop.localtest.me"},
                    "monitoring": {"retention": "1d", "alertmanager": False},
                    "logAgent": {"sink": "elasticsearch", "host": "es.logging.svc",
                                 "nodeSelector": {"disktype": "ssd"}}})
    ingress, monitoring, logs = config.addons.ingress, config.addons.monitoring, config.addons.log_agent
    assert ingress is not None
    assert monitoring is not None
    assert logs is not None
    assert (ingress.controller.replicas, str(ingress.controller.service_type), ingress.host) == (
        1, "NodePort", "shop.localtest.me")  # no cloud load balancer off AKS
    assert (monitoring.retention, monitoring.alertmanager) == ("1d", False)
    assert logs.sink.output().startswith("[OUTPUT]\n    Name es\n")
    aks = parse({**DEV, "namespaces": ADDON_NAMESPACES, "ingress": {"dnsLabel": "shop-dev"},
                 "monitoring": {"storageSize": "50Gi"}})
    assert aks.addons.ingress is not None
    assert str(aks.addons.ingress.controller.service_type) == "LoadBalancer"
    assert (aks.addons.ingress.dns_label, aks.addons.prometheus_storage) == ("shop-dev", "50Gi")
    assert parse(LOCAL).addons.ingress is None


@pytest.mark.parametrize(("changes", "message"), [
    ({"ingress": {"dnsLabel": "shop"}},
     "pilothouse:ingress.dnsLabel: got 'shop'; expected no value: a static public IP with a DNS label is made on "
     "target 'aks' only"),
    ({"ingress": {"host": "Shop.example.com"}},
     "pilothouse:ingress.host: got 'Shop.example.com'; expected a lowercase DNS name with at least one dot, "
     "optionally starting with '*.' (no IP address, no port)"),
    ({"ingress": {"replicas": 0}}, "pilothouse:ingress.replicas: got 0; expected an integer from 1 to 20"),
    ({"ingress": {"serviceMonitor": True}},
     "pilothouse:ingress.serviceMonitor: got True; expected false unless a monitoring section installs the "
     "Prometheus Operator"),
    ({"ingress": {"namespace": "edge"}},
     "pilothouse:namespaces: got ['shop', 'ingress', 'monitoring']; expected the namespaces the add-ons are "
     "installed in (edge missing)"),
    ({"monitoring": {"retention": "ten days"}},
     "pilothouse:monitoring.retention: got 'ten days'; expected a positive Prometheus duration such as '30s', "
     "'1h30m' or '15d'"),
    ({"monitoring": {"storageSize": "50Gi"}},
     "pilothouse:monitoring.storageSize: got '50Gi'; expected no value: Prometheus gets a disk claim on target "
     "'aks' only"),
    ({"logAgent": {"sink": "kafka"}},
     "pilothouse:logAgent.sink: got 'kafka'; expected one of 'elasticsearch', 'forward', 'stdout'"),
    ({"logAgent": {"sink": "forward", "host": "fluentd", "port": 0}},
     "pilothouse:logAgent.port: got 0; expected an integer from 1 to 65535"),
    ({"logAgent": {"sink": "stdout", "namespace": "shop"}},
     "pilothouse:namespaces: got ['shop']; expected add-on namespaces with 'isolated: false' (add-ons reach the API "
     "server and the apps; the apps' isolated namespaces let them in per route and metrics port)"),
])
def test_bad_addon_config_names_its_key(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        parse({**LOCAL, "namespaces": ADDON_NAMESPACES, **changes})
    assert str(error.value) == message


def test_namespace_quota_and_limits_from_config() -> None:
    config = parse({**LOCAL, "namespaces": [{"name": "shop", "quota": {"requestsCpu": "2", "pods": 20},
                                             "limits": {"requestCpu": "50m", "limitMemory": "256Mi"}}]})
    shop = config.namespaces[0]
    assert shop.quota is not None
    assert shop.quota.to_manifest() == {"hard": {"pods": "20", "requests.cpu": "2"}}
    assert shop.limits is not None
    assert str(shop.limits.default_limit_memory) == "256Mi"
    with pytest.raises(InvalidValueError) as error:
        parse({**LOCAL, "namespaces": [{"name": "shop", "quota": {"requestsCpu": "two"}}]})
    assert str(error.value).startswith("pilothouse:namespaces[0].quota.requestsCpu: got 'two'; expected a "
                                       "Kubernetes quantity")


def test_an_apps_stack_takes_its_cluster_from_the_platform_stack(run_program: RunProgram) -> None:
    apps = {"environment": "dev", "target": "platformStack", "kubernetesVersion": "1.34",
            "platformStack": "organization/pilothouse/dev", "namespaces": [{"name": "payments"}]}
    config = parse(apps)
    assert config.platform_stack == "organization/pilothouse/dev"
    render = run_program(lambda: stacks.build(config))
    reference = render.one("pulumi:pulumi:StackReference")
    assert reference.inputs["name"] == "organization/pilothouse/dev"
    provider = render.one("pulumi:providers:kubernetes")
    assert provider.inputs["kubeconfig"] == "[secret]"
    assert render.one("kubernetes:core/v1:Namespace").provider == provider.urn
    with pytest.raises(InvalidValueError) as error:
        parse({**apps, "platformStack": "dev"})
    assert str(error.value) == ("pilothouse:platformStack: got 'dev'; expected a fully qualified stack name "
                                "'organization/project/stack'")


def test_aks_config_builds_the_typed_platform() -> None:
    config = parse(DEV)
    assert config.azure is not None
    assert config.azure.naming.workload == "pilothouse"
    assert config.azure.cluster.system_pool.name == "system"
    assert config.azure.cluster.user_pools[0].spot is True
    assert config.azure.network.node_subnet_cidr == "10.10.0.0/20"
    assert config.kubernetes_minor == "1.34"


@pytest.mark.parametrize(
    ("base", "changes", "message"),
    [
        (LOCAL, {"environment": "Local"},
         "pilothouse:environment: got 'Local'; expected 2-8 lowercase letters and digits, starting with a letter"),
        (LOCAL, {"environment": None}, "pilothouse:environment: got None; expected a value: this key is required"),
        (LOCAL, {"target": "gke"},
         "pilothouse:target: got 'gke'; expected one of 'aks', 'kubeconfig', 'platformStack'"),
        (LOCAL, {"kubernetesVersion": "1.29"},
         "pilothouse:kubernetesVersion: got '1.29'; expected a Kubernetes version '1.MINOR' or '1.MINOR.PATCH' "
         "with MINOR from 30 to 37"),
        (LOCAL, {"protect": "yes"}, "pilothouse:protect: got 'yes'; expected true or false"),
        (LOCAL, {"namespace": []}, "pilothouse:namespace: got []; expected no such key here; known keys: "
                                   "cluster, dbPassword, environment, existingResourceGroup, ingress, kubeContext, "
                                   "kubeconfig, kubernetesVersion, location, logAgent, monitoring, namespaces, "
                                   "network, nodePools, platformStack, protect, referenceWorkloads, registry, target, "
                                   "workload"),
        (LOCAL, {"namespaces": [{"name": "shop"}, {"name": "shop"}]},
         "pilothouse:namespaces: got 'shop'; expected names that are unique in the list"),
        (LOCAL, {"namespaces": [{"name": "Shop"}]},
         "pilothouse:namespaces[0].name: got 'Shop'; expected a DNS-1123 label: 1-63 lowercase letters, digits or "
         "'-', starting and ending alphanumeric"),
        (LOCAL, {"namespaces": [{"name": "shop", "podSecurity": "open"}]},
         "pilothouse:namespaces[0].podSecurity: got 'open'; expected one of 'privileged', 'baseline', 'restricted'"),
        (LOCAL, {"network": {"vnetCidr": "10.0.0.0/16"}},
         "pilothouse:network: got {'vnetCidr': '10.0.0.0/16'}; expected no value: this key applies only to "
         "target 'aks'"),
        (DEV, {"kubeconfig": "~/.kube/config"},
         "pilothouse:kubeconfig: got '~/.kube/config'; expected no value: target 'aks' takes its cluster from the "
         "platform"),
        (DEV, {"location": "mars"}, None),
        (DEV, {"network": {"vnetCidr": "10.10.0.0/16", "nodeSubnetCidr": "10.11.0.0/20"}},
         "pilothouse:network.nodeSubnetCidr: got '10.11.0.0/20'; expected a subnet inside vnetCidr 10.10.0.0/16"),
        (DEV, {"network": {"vnetCidr": "10.10.0.0/16", "nodeSubnetCidr": "10.10.0.0/20", "vnetCIDR": "x"}},
         "pilothouse:network.vnetCIDR: got 'x'; expected no such key here; known keys: apiServerSubnetCidr, "
         "dnsServiceIp, loadBalancerSku, nodeSubnetCidr, outboundType, plugin, podCidr, podSubnetCidr, policy, "
         "serviceCidr, virtualNodeSubnetCidr, vnetCidr"),
        (DEV, {"nodePools": [{"name": "apps", "maxCount": "3"}]},
         "pilothouse:nodePools[0].maxCount: got '3'; expected an integer from 0 to 1000"),
        (DEV, {"nodePools": [{"name": "apps", "minCount": 2, "maxCount": 1}]},
         "pilothouse:nodePools[0].maxCount: got 1; expected an integer from minCount (2) to 1000"),
        (DEV, {"cluster": {"systemPool": {"name": "sys", "spot": True}}},
         "pilothouse:cluster.systemPool.spot: got True; expected false for a System pool (spot nodes can be evicted)"),
        (DEV, {"network": {"vnetCidr": "10.10.0.0/16", "nodeSubnetCidr": "10.10.0.0/29"}},
         "pilothouse:network.nodeSubnetCidr: got '10.10.0.0/29'; expected a subnet with at least 8 usable addresses "
         "for 8 nodes (max counts plus upgrade surge); it has 3"),
        (DEV, {"registry": {"sku": "Basic", "retentionDays": 7}},
         "pilothouse:registry.retentionDays: got 7; expected to be unset unless sku is 'Premium'"),
    ],
)
def test_each_bad_value_names_its_key(base: dict[str, Any], changes: dict[str, Any], message: str | None) -> None:
    with pytest.raises(InvalidValueError) as error:
        parse({**base, **changes})
    if message is None:  # the region list is long: check its start
        assert str(error.value).startswith("pilothouse:location: got 'mars'; expected an Azure region name")
    else:
        assert str(error.value) == message
