"""Every YAML example of the course, built with the typed API, renders to the course's object.

The course's objects run as root with Kubernetes' defaults; building them takes the explicit
opt-outs (``SecurityProfile.UNCONFINED``, ``automount_service_account_token=None``), which is
the point: the insecure object can be expressed, but never by accident.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pilothouse.kubernetes.config_map import ConfigMap, ConfigMapArgs
from pilothouse.kubernetes.container import Container, PullPolicy
from pilothouse.kubernetes.daemon_set import DaemonSet, DaemonSetArgs
from pilothouse.kubernetes.deployment import Deployment, DeploymentArgs
from pilothouse.kubernetes.env import EnvValue
from pilothouse.kubernetes.job import CronJob, CronJobArgs, Job, JobArgs, JobSpec
from pilothouse.kubernetes.namespace import Namespace, NamespaceArgs
from pilothouse.kubernetes.pod import Pod, PodArgs
from pilothouse.kubernetes.pod_spec import PodSpec, RestartPolicy
from pilothouse.kubernetes.ports import Port
from pilothouse.kubernetes.probes import Probe, Timing
from pilothouse.kubernetes.quota import Quota
from pilothouse.kubernetes.resources import Resources
from pilothouse.kubernetes.secret import Secret, SecretArgs, encode
from pilothouse.kubernetes.security import SecurityProfile
from pilothouse.kubernetes.service import ServicePort, ServiceType
from pilothouse.kubernetes.stateful_set import ClaimTemplate, StatefulSet, StatefulSetArgs
from pilothouse.kubernetes.storage import PersistentVolumeClaim, PersistentVolumeClaimArgs
from pilothouse.kubernetes.volumes import HostPathType, Mount, Volume
from pilothouse.offline.engine import SECRET, Render
from pilothouse.offline.render import manifest
from tests.conftest import RunProgram

COURSE = Path(__file__).resolve().parents[2] / "fixtures" / "course"
UNCONFINED = SecurityProfile.UNCONFINED


def course(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((COURSE / name).read_text())
    return loaded


def pod_of(*containers: Container, **kwargs: Any) -> PodSpec:
    return PodSpec(containers=containers, automount_service_account_token=None, **kwargs)


def test_declarative_pod(run_program: RunProgram) -> None:
    args = PodArgs(name="decla-pod", namespace="default",
                   pod=pod_of(Container(name="memory-demo", image="nginx", security=UNCONFINED)))
    render = run_program(lambda: Pod("decla-pod", args))
    assert manifest(render.one("kubernetes:core/v1:Pod")) == course("declarative-pod.yaml")


def test_node_selector_pod(run_program: RunProgram) -> None:
    nginx = Container(name="nginx", image="nginx", pull_policy=PullPolicy.IF_NOT_PRESENT, security=UNCONFINED)
    args = PodArgs(name="nginx", namespace="default", labels={"env": "test"},
                   pod=pod_of(nginx, node_selector={"disktype": "ssd"}))
    render = run_program(lambda: Pod("nginx", args))
    assert manifest(render.one("kubernetes:core/v1:Pod")) == course("node-selector-pod.yaml")


def test_init_container_pod_shares_an_empty_dir(run_program: RunProgram) -> None:
    workdir = Volume.empty_dir("workdir")
    nginx = Container(name="nginx", image="nginx", ports=(Port(80),), security=UNCONFINED,
                      mounts=(Mount(workdir, "/usr/share/nginx/html"),))
    install = Container(name="install", image="busybox", security=UNCONFINED,
                        command=("wget", "-O", "/work-dir/index.html", "http://kubernetes.io"),
                        mounts=(Mount(workdir, "/work-dir"),))
    args = PodArgs(name="init-demo", namespace="default",
                   pod=pod_of(nginx, init_containers=(install,), dns_policy="Default"))
    render = run_program(lambda: Pod("init-demo", args))
    assert manifest(render.one("kubernetes:core/v1:Pod")) == course("init-demo-pod.yaml")


def test_nginx_deployment_with_change_cause(run_program: RunProgram) -> None:
    nginx = Container(name="nginx", image="nginx:1.7.9", ports=(Port(80),), security=UNCONFINED)
    args = DeploymentArgs(name="nginx-deployment", namespace="default", replicas=3, labels={"app": "nginx"},
                          change_cause="nginx:1.7.9", pod=pod_of(nginx))
    render = run_program(lambda: Deployment("nginx-deployment", args))
    assert manifest(render.one("kubernetes:apps/v1:Deployment")) == course("nginx-deployment.yaml")


def test_node_port_service_derives_its_selector(run_program: RunProgram) -> None:
    hello = Container(name="hello-node", image="hello-node:v1", ports=(Port(8080),), security=UNCONFINED)
    args = DeploymentArgs(name="hello-node", namespace="default", pod=pod_of(hello))

    def program() -> None:
        Deployment("hello-node", args).expose([ServicePort(80, target=8080, name="http", node_port=30036)],
                                              name="hello-node-svc", type=ServiceType.NODE_PORT)

    render = run_program(program)
    assert manifest(render.one("kubernetes:core/v1:Service")) == course("hello-node-svc.yaml")


def only(render: Render, type_: str) -> dict[str, Any]:
    return manifest(render.one(type_))


def test_two_containers_share_an_empty_dir(run_program: RunProgram) -> None:
    shared = Volume.empty_dir("shared-storage")
    containers = [Container(name=name, image=name, security=UNCONFINED, mounts=(Mount(shared, "/data/shared"),))
                  for name in ("redis", "nginx")]
    render = run_program(lambda: Pod("shared", PodArgs(name="shared-volumes", namespace="default",
                                                       pod=pod_of(*containers))))
    assert only(render, "kubernetes:core/v1:Pod") == course("shared-volumes-pod.yaml")


def test_host_path_pod(run_program: RunProgram) -> None:
    somepath = Volume.host_path("somepath", "/tmp", HostPathType.DIRECTORY)
    redis = Container(name="redis", image="redis", security=UNCONFINED, mounts=(Mount(somepath, "/data/shared"),))
    render = run_program(lambda: Pod("hostpath", PodArgs(name="hostpath", namespace="default", pod=pod_of(redis))))
    assert only(render, "kubernetes:core/v1:Pod") == course("hostpath-pod.yaml")


def test_managed_disk_claim_and_the_pod_using_it(run_program: RunProgram) -> None:
    def program() -> None:
        claim = PersistentVolumeClaim("disk", PersistentVolumeClaimArgs(
            name="azure-managed-disk", namespace="default", size="1Gi", storage_class="default",
            wait_until_bound=True))
        mypod = Container(name="mypod", image="nginx:1.15.5", security=UNCONFINED,
                          resources=Resources.of(cpu="100m", memory="128Mi", cpu_limit="250m", memory_limit="256Mi"),
                          mounts=(Mount(claim.volume("volume"), "/mnt/gcp"),))
        Pod("mypod", PodArgs(name="mypod", namespace="default", pod=pod_of(mypod)))

    render = run_program(program)
    assert only(render, "kubernetes:core/v1:PersistentVolumeClaim") == course("azure-managed-disk-pvc.yaml")
    assert only(render, "kubernetes:core/v1:Pod") == course("pod-with-pvc.yaml")


def test_config_maps_from_literals_and_env_from_their_keys(run_program: RunProgram) -> None:
    def program() -> None:
        ConfigMap("customer1", ConfigMapArgs(name="customer1", namespace="default", data={
            "TEXT1": "Customer1_Company", "TEXT2": "Welcomes You",
            "COMPANY": "Customer1 Company Technology Pct. Ltd."}))
        ConfigMap("special", ConfigMapArgs(name="special-config", namespace="default", data={"special.how": "very"}))
        test = Container(name="test-container", image="k8s.gcr.io/busybox", security=UNCONFINED,
                         command=("/bin/sh", "-c", "env"),
                         env={"SPECIAL_LEVEL_KEY": EnvValue.from_config_map("special-config", "special.how"),
                              "LOG_LEVEL": EnvValue.from_config_map("env-config", "log_level")})
        Pod("dapi", PodArgs(name="dapi-test-pod", namespace="default", pod=pod_of(test)))

    render = run_program(program)
    assert manifest(render.one("kubernetes:core/v1:ConfigMap", "customer1")) == course("customer1-configmap.yaml")
    assert manifest(render.one("kubernetes:core/v1:ConfigMap", "special")) == course("special-config.yaml")
    assert only(render, "kubernetes:core/v1:Pod") == course("dapi-test-pod.yaml")


def test_secret_mounted_as_a_volume(run_program: RunProgram) -> None:
    def program() -> None:
        secret = Secret("mysecret", SecretArgs(name="mysecret", namespace="default",
                                               data={"username": "admin", "password": "1f2d1e2e67df"}))
        mount = Mount(secret.volume("foo"), "/etc/foo", read_only=True)
        redis = Container(name="mypod", image="redis", security=UNCONFINED, mounts=(mount,))
        Pod("mypod", PodArgs(name="mypod", namespace="default", pod=pod_of(redis)))

    render = run_program(program)
    expected = course("mysecret.yaml")
    assert [encode("admin"), encode("1f2d1e2e67df")] == [expected["data"]["username"], expected["data"]["password"]]
    expected["data"] = dict.fromkeys(expected["data"], encode(SECRET))
    assert only(render, "kubernetes:core/v1:Secret") == expected
    assert only(render, "kubernetes:core/v1:Pod") == course("secret-volume-pod.yaml")


def test_liveness_probes_exec_http_and_tcp(run_program: RunProgram) -> None:
    def program() -> None:
        exec_probe = Probe.exec(["cat", "/tmp/healthy"], timing=Timing(initial_delay_seconds=5, period_seconds=5))
        http_probe = Probe.http("/healthz", 8080, headers={"X-Custom-Header": "Awesome"},
                                timing=Timing(initial_delay_seconds=3, period_seconds=3))
        tcp_probe = Probe.tcp(8080, timing=Timing(initial_delay_seconds=15, period_seconds=20))
        liveness = {"test": "liveness"}
        Pod("exec", PodArgs(name="liveness-exec", namespace="default", labels=liveness, pod=pod_of(Container(
            name="liveness", image="k8s.gcr.io/busybox", security=UNCONFINED, liveness=exec_probe,
            args=("/bin/sh", "-c", "touch /tmp/healthy; sleep 30; rm -rf /tmp/healthy; sleep 600")))))
        Pod("http", PodArgs(name="liveness-http", namespace="default", labels=liveness, pod=pod_of(Container(
            name="liveness", image="k8s.gcr.io/liveness", args=("/server",), liveness=http_probe,
            security=UNCONFINED))))
        Pod("tcp", PodArgs(name="goproxy", namespace="default", pod=pod_of(Container(
            name="goproxy", image="registry.k8s.io/goproxy:0.1", ports=(Port(8080),), liveness=tcp_probe,
            security=UNCONFINED))))

    render = run_program(program)
    for name, fixture in (("exec", "liveness-exec.yaml"), ("http", "liveness-http.yaml"), ("tcp", "liveness-tcp.yaml")):
        assert manifest(render.one("kubernetes:core/v1:Pod", name)) == course(fixture)


def test_job_pi(run_program: RunProgram) -> None:
    pi = Container(name="pi", image="perl", security=UNCONFINED,
                   command=("perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"))
    job = JobSpec(pod=pod_of(pi, restart_policy=RestartPolicy.NEVER), backoff_limit=4)
    render = run_program(lambda: Job("pi", JobArgs(name="pi", namespace="default", job=job)))
    assert only(render, "kubernetes:batch/v1:Job") == course("job-pi.yaml")


def test_cron_job_every_minute(run_program: RunProgram) -> None:
    hello = Container(name="hello", image="busybox", security=UNCONFINED,
                      args=("/bin/sh", "-c", "date; echo Hello from the Kubernetes cluster"))
    job = JobSpec(pod=pod_of(hello, restart_policy=RestartPolicy.ON_FAILURE))
    render = run_program(lambda: CronJob("hello", CronJobArgs(name="hello", namespace="default",
                                                              schedule="*/1 * * * *", job=job)))
    expected = course("cronjob-hello.yaml")
    # Each run's Job has a new name: a stable label lets traffic rules pick the pods of every run.
    expected["spec"]["jobTemplate"]["spec"]["template"]["metadata"] = {"labels": {"app": "hello"}}
    assert only(render, "kubernetes:batch/v1:CronJob") == expected


def test_daemon_set_on_selected_nodes(run_program: RunProgram) -> None:
    varlog = Volume.host_path("varlog", "/var/log")
    fluentd = Container(name="fluentd", image="fluent/fluentd:v1.17", security=UNCONFINED,
                        mounts=(Mount(varlog, "/var/log", read_only=True),))
    args = DaemonSetArgs(name="node-agent", namespace="default",
                         pod=pod_of(fluentd, node_selector={"disktype": "ssd"}))
    render = run_program(lambda: DaemonSet("node-agent", args))
    assert only(render, "kubernetes:apps/v1:DaemonSet") == course("daemonset-node-agent.yaml")


def test_stateful_set_web_with_claim_template(run_program: RunProgram) -> None:
    www = ClaimTemplate("www", "1Gi", storage_class="standard")
    nginx = Container(name="nginx", image="k8s.gcr.io/nginx-slim:0.8", ports=(Port(80, "web"),),
                      security=UNCONFINED, mounts=(www.mount("/usr/share/nginx/html"),))
    args = StatefulSetArgs(name="web", namespace="default", replicas=3, labels={"app": "nginx"},
                           service_name="nginx", claim_templates=(www,),
                           pod=pod_of(nginx, termination_grace_period_seconds=10))
    render = run_program(lambda: StatefulSet("web", args))
    assert only(render, "kubernetes:apps/v1:StatefulSet") == course("statefulset-web.yaml")
    headless = only(render, "kubernetes:core/v1:Service")
    assert headless["metadata"]["name"] == "nginx"
    assert headless["spec"] == {"clusterIP": "None", "selector": {"app": "nginx"},
                                "ports": [{"name": "web", "port": 80, "protocol": "TCP", "targetPort": "web"}]}


def test_resource_quota_mem_cpu_demo(run_program: RunProgram) -> None:
    quota = Quota.of(requests_cpu="1", requests_memory="1Gi", limits_cpu="2", limits_memory="2Gi").named(
        "mem-cpu-demo")
    render = run_program(lambda: Namespace("a-namespace", NamespaceArgs(name="a-namespace", quota=quota)))
    assert only(render, "kubernetes:core/v1:ResourceQuota") == course("quota-mem-cpu.yaml")
