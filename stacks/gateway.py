"""The stack's Gateway: HTTPS on the configured host, plain HTTP answered with a redirect to it."""

from __future__ import annotations

import pulumi

from pilothouse.kubernetes.certificate import SelfSignedCertificate
from pilothouse.kubernetes.gateway import CertificateRef, Gateway, GatewayArgs, GatewayClass, Listener
from pilothouse.kubernetes.namespace import Namespace
from pilothouse.kubernetes.secret import Secret
from stacks.addons_config import GatewayConfig


def install_gateway(config: GatewayConfig, namespaces: dict[str, Namespace], served_by: GatewayClass | None,
                    opts: pulumi.ResourceOptions) -> Gateway:
    """The Gateway of ``config``, served by ``served_by`` (the Traefik add-on's class) or by the class the cluster
    provides (``config.provided_class``); its certificate the configured Secret, else a self-signed one made once
    (:class:`~stacks.certificate.SelfSignedCertificate`) in the Gateway's namespace."""
    if config.provided_class is not None:
        served_by = GatewayClass.provided(config.provided_class)
    assert served_by is not None  # the config names a provided class, or Traefik serves the Gateway API
    namespace = namespaces[config.namespace]
    certificate: Secret | CertificateRef | None = config.certificate
    if certificate is None:
        certificate = SelfSignedCertificate(f"{config.name}-certificate", name=f"{config.name}-tls",
                                            namespace=namespace, hosts=[config.host] if config.host else [],
                                            opts=opts).secret
    return Gateway(config.name, GatewayArgs(
        name=config.name, namespace=namespace, gateway_class=served_by, redirect_http=True,
        listeners=(Listener.https(certificates=(certificate,), hostname=config.host),)),
        opts)
