"""The payments team's app on the platform stack: namespace with quota, config and secret, a probed and
autoscaled web Deployment behind a Service routed through the platform's Gateway, a disruption budget and a nightly
report."""

import pulumi
import pulumi_kubernetes as k8s

from pilothouse.contract import read_contract
from pilothouse.kubernetes import (
    CertificateRef,
    ConfigMap,
    ConfigMapArgs,
    Container,
    CronJob,
    CronJobArgs,
    Deployment,
    DeploymentArgs,
    Gateway,
    GatewayArgs,
    HorizontalPodAutoscaler,
    HorizontalPodAutoscalerArgs,
    JobSpec,
    LimitDefaults,
    Listener,
    Namespace,
    NamespaceArgs,
    PodDisruptionBudget,
    PodDisruptionBudgetArgs,
    PodSpec,
    Port,
    Probe,
    Quota,
    Resources,
    RestartPolicy,
    Route,
    Secret,
    SecretArgs,
    ServicePort,
    attach_label,
)

config = pulumi.Config()
platform = read_contract(pulumi.StackReference(config.require("platformStack")))
registry = platform.registry_login_server
opts = pulumi.ResourceOptions(provider=k8s.Provider("platform", kubeconfig=platform.kubeconfig))

# The platform's Gateway (its contract's gatewayName / gatewayNamespace), described as the platform declares it:
# read, never changed; routes attach from namespaces carrying its label.
public = Gateway.existing("public", GatewayArgs(
    name="public", namespace="ingress", gateway_class="traefik", redirect_http=True,
    listeners=(Listener.https(certificates=(CertificateRef("public-tls", "ingress"),), hostname=config.require("host")),
               )), opts)

team = Namespace("payments", NamespaceArgs(
    name="payments", labels=attach_label("public", namespace="ingress"),
    quota=Quota.of(requests_cpu="4", requests_memory="8Gi", limits_cpu="8", limits_memory="16Gi", pods=30),
    limits=LimitDefaults.of(request_cpu="100m", request_memory="128Mi", limit_cpu="500m", limit_memory="512Mi"),
), opts)
settings = ConfigMap("web", ConfigMapArgs(name="web", namespace=team, data={"LOG_LEVEL": "info"}), opts)
db = Secret("db", SecretArgs(name="db", namespace=team, data={"password": config.require_secret("dbPassword")}), opts)

web = Deployment("web", DeploymentArgs(
    name="web", namespace=team, replicas=None,  # the autoscaler owns the count
    pod=PodSpec(containers=(Container(
        name="web", image=pulumi.Output.concat(registry, "/payments/web:2.0.1"), ports=(Port.http(8080),),
        resources=Resources.of(cpu="250m", memory="256Mi", memory_limit="512Mi"),
        readiness=Probe.http("/readyz"), liveness=Probe.http("/healthz"),
        env={"LOG_LEVEL": settings.key("LOG_LEVEL"), "DB_PASSWORD": db.key("password")},
    ),)),
), opts)
web.expose([ServicePort(80, target="http", name="http")]).route([Route(path="/payments")], gateway=public)
HorizontalPodAutoscaler("web", HorizontalPodAutoscalerArgs(
    target=web, min_replicas=config.get_int("replicas") or 2, max_replicas=10), opts)
PodDisruptionBudget("web", PodDisruptionBudgetArgs(target=web, max_unavailable=1), opts)

report = Container(name="report", image=pulumi.Output.concat(registry, "/payments/report:2.0.1"),
                   resources=Resources.of(cpu="100m", memory="128Mi", memory_limit="256Mi"))
CronJob("nightly-report", CronJobArgs(name="nightly-report", namespace=team, schedule="0 3 * * *",
                                      job=JobSpec(pod=PodSpec(containers=(report,),
                                                              restart_policy=RestartPolicy.ON_FAILURE))), opts)
