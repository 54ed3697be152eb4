"""The render's name rule per kind (``pilothouse.offline.object_names``) against the API server: for each kind and
name, the server names ``metadata.name`` in its refusal exactly when the rule has a problem with the name, in the
rule's words (other fields of the minimal bodies below may be refused too: only the name is looked at)."""

from __future__ import annotations

from typing import Any

import pytest

from pilothouse.offline.kinds import stored_as
from pilothouse.offline.object_names import indexed_job_name_problems, job_label_problems, name_problems
from tests.oracle.server import NAMESPACE_PREFIX, Oracle

pytestmark = pytest.mark.e2e

NAMESPACE = "oracle-object-names"
#: A body for each rule: DNS-1123 subdomain, DNS-1123 label (three kinds), path segment only, a custom resource.
BODIES: tuple[dict[str, Any], ...] = (
    {"apiVersion": "v1", "kind": "ConfigMap"},
    {"apiVersion": "v1", "kind": "Service", "spec": {"ports": [{"port": 80}]}},
    {"apiVersion": "v1", "kind": "Namespace"},
    {"apiVersion": "apps/v1", "kind": "StatefulSet", "spec": {}},
    {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "value": 1},
    {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "rules": []},
    {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "rules": []},
    {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "spec": {}},
    {"apiVersion": "batch/v1", "kind": "CronJob", "spec": {}},
)
NAMES = ("web", "1web", "a.b", "Bad_Name", "system:web", "a" * 52, "a" * 53, "a" * 63, "a" * 64, "a" * 253, "a" * 254,
         "a-", "é")
CLUSTER_SCOPED = {"Namespace", "PriorityClass", "ClusterRole"}


@pytest.mark.parametrize("body", BODIES, ids=[body["kind"] for body in BODIES])
def test_the_name_rule_of_each_kind_is_the_api_servers(body: dict[str, Any], oracle: Oracle) -> None:
    oracle.check([{"apiVersion": "v1", "kind": "Namespace",
                   "metadata": {"name": NAMESPACE.removeprefix(NAMESPACE_PREFIX)}}])
    disagreements = []
    for name in NAMES:
        metadata = {"name": name} if body["kind"] in CLUSTER_SCOPED else {"name": name, "namespace": NAMESPACE}
        reply = oracle.dry_run({**body, "metadata": metadata})
        # Pilothouse says "bytes" where the API server says "characters" of a length it counts in bytes.
        problems = [problem.replace(" bytes", " characters") for problem in
                    name_problems(body["apiVersion"], body["kind"], name)]
        refused_name = reply.status >= 300 and "metadata.name" in reply.message
        if body["kind"] == "Service" and name[0].isdigit() and reply.status < 300:
            # Deliberate (object_names.EXCEPTIONS): clusters before 1.36 refuse a Service name that starts with a
            # digit, which this 1.37 API server takes; the rule must refuse it.
            if not problems:
                disagreements.append(f"{name!r}: a Service name starting with a digit is not refused")
            continue
        if refused_name != bool(problems) or not all(problem in reply.message for problem in problems):
            disagreements.append(f"{name!r}: the rule says {problems}, the API server {reply.status} {reply.message}")
    assert not disagreements, "\n".join(disagreements)


def _job(name: str, manual_selector: bool) -> dict[str, Any]:
    pod = {"containers": [{"name": "main", "image": "busybox"}], "restartPolicy": "Never"}
    spec: dict[str, Any] = {"template": {"spec": pod}}
    if manual_selector:
        spec.update(manualSelector=True, selector={"matchLabels": {"app": "x"}},
                    template={"metadata": {"labels": {"app": "x"}}, "spec": pod})
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name, "namespace": NAMESPACE}, "spec": spec}


def test_a_jobs_name_is_its_pods_label_value_unless_it_selects_them_itself(oracle: Oracle) -> None:
    oracle.check([{"apiVersion": "v1", "kind": "Namespace",
                   "metadata": {"name": NAMESPACE.removeprefix(NAMESPACE_PREFIX)}}])
    verdicts = {}
    for name, manual in (("a" * 63, False), ("a" * 64, False), ("a" * 253, False), ("a" * 64, True)):
        job = _job(name, manual)
        reply = oracle.dry_run(job)
        problems = job_label_problems(name, job)
        verdicts[(len(name), manual)] = (reply.status < 300, not problems)
        if problems:
            assert "spec.template.labels" in reply.message
            assert "must be no more than 63 bytes" in reply.message
            assert problems[0].endswith("must be no more than 63 bytes")
    assert verdicts == {(63, False): (True, True), (64, False): (False, False), (253, False): (False, False),
                        (64, True): (True, True)}


def test_an_event_is_one_object_through_either_of_its_groups(oracle: Oracle) -> None:
    # What pilothouse.offline.kinds.stored_as says: an Event made through the core group is read through events.k8s.io.
    assert stored_as("events.k8s.io", "Event") == ("", "Event")
    oracle.check([{"apiVersion": "v1", "kind": "Namespace",
                   "metadata": {"name": NAMESPACE.removeprefix(NAMESPACE_PREFIX)}}])
    event = {"apiVersion": "v1", "kind": "Event", "metadata": {"name": "one-event", "namespace": NAMESPACE},
             "involvedObject": {"kind": "Pod", "name": "p", "namespace": NAMESPACE}}
    created = oracle.api.request("POST", f"/api/v1/namespaces/{NAMESPACE}/events", event)
    assert created.status < 300 or created.status == 409, created.message  # 409: made by an earlier run
    read = oracle.api.request("GET", f"/apis/events.k8s.io/v1/namespaces/{NAMESPACE}/events/one-event")
    assert read.status == 200, read.message


def test_an_indexed_jobs_last_pod_hostname_is_a_label(oracle: Oracle) -> None:
    oracle.check([{"apiVersion": "v1", "kind": "Namespace",
                   "metadata": {"name": NAMESPACE.removeprefix(NAMESPACE_PREFIX)}}])
    verdicts = {}
    for name, completions in (("my.job", 3), ("j" * 60, 11), ("j" * 61, 11), ("web", 3)):
        job = _job(name, False)
        job["spec"].update(completionMode="Indexed", completions=completions)
        reply = oracle.dry_run(job)
        problems = indexed_job_name_problems(name, job)
        verdicts[(name[:6], len(name))] = (reply.status < 300, not problems)
        assert all(problem in reply.message for problem in problems), (problems, reply.message)
    assert verdicts == {("my.job", 6): (False, False), ("jjjjjj", 60): (True, True), ("jjjjjj", 61): (False, False),
                        ("web", 3): (True, True)}
