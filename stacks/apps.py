"""Everything inside the cluster, deployed through the provider it is given."""

from __future__ import annotations

import pulumi
import pulumi_kubernetes as k8s

from pilothouse.addons.ingress_controller import PublicEndpoint
from pilothouse.contract import read_contract
from pilothouse.kubernetes.namespace import Namespace
from stacks.addons import Addons, install_addons
from stacks.config import KubeconfigTarget, StackConfig, Target
from stacks.reference import NAMESPACE
from stacks.workloads import ReferenceWorkloads, WebAccessFactory, local_volumes


def kubeconfig_provider(target: KubeconfigTarget) -> k8s.Provider:
    """A provider for an existing cluster. The path stays relative to the project so renders
    from two checkouts (offline diff) do not differ by where the repository lives."""
    return k8s.Provider("cluster", kubeconfig=target.path, context=target.context)


def platform_stack_provider(stack: str) -> tuple[k8s.Provider, pulumi.Output[str]]:
    """A provider for the cluster another stack's platform built (its contract's ``kubeconfig``, a secret),
    and the web app image it pushed (``webImage``)."""
    platform = pulumi.StackReference(stack)
    web_image = platform.require_output("webImage").apply(str)
    return k8s.Provider("cluster", kubeconfig=read_contract(platform).kubeconfig), web_image


def build_apps(config: StackConfig, provider: k8s.Provider, *, web_image: str | pulumi.Output[str],
               public_endpoint: PublicEndpoint | None = None, web_access: WebAccessFactory | None = None) -> Addons:
    """The namespaces, add-ons and (when asked) reference workloads; answers what the add-ons offer apps."""
    opts = pulumi.ResourceOptions(provider=provider)
    local = local_volumes(opts) if config.reference_workloads and config.target is not Target.AKS else None
    # The namespace whose claims bind the local volumes depends on them, so that destroy deletes it first.
    after = pulumi.ResourceOptions(depends_on=list(local.volumes) if local is not None else [])
    namespaces = {args.name: Namespace(args.name, args, pulumi.ResourceOptions.merge(opts, after)
                                       if args.name == NAMESPACE else opts) for args in config.namespaces}
    pulumi.export("namespaces", [namespace.name for namespace in namespaces.values()])
    addons = install_addons(config.addons, namespaces, opts, public_endpoint=public_endpoint)
    if config.reference_workloads:
        password = pulumi.Output.secret(config.db_password) if config.db_password is not None else None
        ReferenceWorkloads("reference", config, namespaces, password, addons, web_image, local, web_access,
                           pulumi.ResourceOptions(providers=[provider]))
    return addons
