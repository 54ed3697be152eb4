"""A program that uses every class 0.1.0 wrapped in a component, written so that it runs on 0.1.0 and now.

``LIBRARY`` is the import root: ``components`` for 0.1.0's tree, ``pilothouse`` for the installed package;
``ALIAS_TO_0_1=1`` makes the installed package alias every object to its 0.1.0 URN.
"""

import importlib
import os

import pulumi

k = importlib.import_module(f"{os.environ['LIBRARY']}.kubernetes")
if os.environ.get("ALIAS_TO_0_1") == "1":
    importlib.import_module("pilothouse.kubernetes.upgrades").alias_to_0_1()

shop = k.Namespace("shop", k.NamespaceArgs(name="shop"))
config = k.ConfigMap("web", k.ConfigMapArgs(name="web", namespace=shop, data={"LOG_LEVEL": "info"}))
db = k.Secret("db", k.SecretArgs(name="db", namespace=shop, data={"password": pulumi.Output.secret("s3cret")}))
container = k.Container(
    name="web", image="nginx:1.27", ports=(k.Port.http(8080), k.Port.metrics(9090)),
    resources=k.Resources.of(cpu="100m", memory="64Mi", memory_limit="128Mi"), readiness=k.Probe.http("/"),
    env={"LOG_LEVEL": config.key("LOG_LEVEL"), "DB_PASSWORD": db.key("password")})
web = k.Deployment("web", k.DeploymentArgs(name="web", namespace=shop, replicas=None,
                                           pod=k.PodSpec(containers=(container,))))
service = web.expose([k.ServicePort(80, target="http", name="http"), k.ServicePort(9090, target="metrics",
                                                                                   name="metrics")],
                     scraping=k.Scraping(namespace="monitoring"))
service.route([k.Route(host="shop.example.com", port="http")],
              ingress_class=k.IngressClass(name="traefik", namespace="ingress"))
k.HorizontalPodAutoscaler("web", k.HorizontalPodAutoscalerArgs(target=web, min_replicas=1, max_replicas=3))
k.PodDisruptionBudget("web", k.PodDisruptionBudgetArgs(target=web, min_available=1))

task = k.Container(name="task", image="busybox:1.36", command=("true",),
                   resources=k.Resources.of(cpu="50m", memory="32Mi", memory_limit="64Mi"))
k.Job("once", k.JobArgs(name="once", namespace=shop, job=k.JobSpec(
    pod=k.PodSpec(containers=(task,), restart_policy=k.RestartPolicy.NEVER))))
k.CronJob("nightly", k.CronJobArgs(name="nightly", namespace=shop, schedule="0 3 * * *", job=k.JobSpec(
    pod=k.PodSpec(containers=(task,), restart_policy=k.RestartPolicy.ON_FAILURE))))
k.Pod("probe", k.PodArgs(name="probe", namespace=shop, pod=k.PodSpec(containers=(task,))))

disk = k.StorageClass("disk", k.StorageClassArgs.azure_disk("managed-premium"))
k.PersistentVolumeClaim("data", k.PersistentVolumeClaimArgs(name="data", namespace=shop, size="1Gi",
                                                             storage_class=disk))

agent = k.Container(name="agent", image="fluent/fluent-bit:3.2",
                    resources=k.Resources.of(cpu="50m", memory="64Mi", memory_limit="128Mi"))
k.DaemonSet("agent", k.DaemonSetArgs(name="agent", namespace="ops", pod=k.PodSpec(containers=(agent,))))
redis = k.Container(name="redis", image="redis:7.4", ports=(k.Port(6379, "redis"),),
                    resources=k.Resources.of(cpu="50m", memory="64Mi", memory_limit="128Mi"))
cache = k.StatefulSet("cache", k.StatefulSetArgs(name="cache", namespace=shop, replicas=1, service_name="cache",
                                                 pod=k.PodSpec(containers=(redis,))))
cache.expose([k.ServicePort(6379, target="redis", name="redis")], name="cache-client")
