"""Jobs (run to completion) and CronJobs (Jobs on a schedule)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pilothouse.counts import INT64_MAX, non_negative
from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes.names import dns_label, labels
from pilothouse.kubernetes.pod_spec import PodSpec, RestartPolicy
from pilothouse.kubernetes.quota import PodDemand
from pilothouse.kubernetes.schedule import cron_schedule, time_zone
from pilothouse.kubernetes.selection import DeclaredPods
from pilothouse.kubernetes.traffic import TrafficPeer
from pilothouse.kubernetes.workload import (
    SKIP_AWAIT,
    NamespaceRef,
    check_admitted,
    object_metadata,
    object_options,
    pod_template,
    with_reference_labels,
)
from pilothouse.typed import Checked


@dataclass(frozen=True, kw_only=True)
class JobSpec(Checked, prefix="job"):
    """What one run is: its pod (restart policy Never or OnFailure) and how failures are retried.

    Raises:
        InvalidValueError: naming ``job.pod.restart_policy``, a negative count or duration, ``job.labels``, or
            ``job.parallelism`` (more than one pod at once while the pod mounts a one-node claim, see
            :meth:`PodSpec.one_node_claim`).
    """

    pod: PodSpec
    backoff_limit: int | None = None
    #: Kill the run after this many seconds, whatever its retries.
    active_deadline_seconds: int | None = None
    #: Delete the finished Job after this many seconds (its pods and logs go with it).
    ttl_seconds_after_finished: int | None = None
    completions: int | None = None
    parallelism: int | None = None
    labels: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.pod.restart_policy not in (RestartPolicy.NEVER, RestartPolicy.ON_FAILURE):
            raise InvalidValueError("job.pod.restart_policy", None if self.pod.restart_policy is None
                                    else str(self.pod.restart_policy), "'Never' or 'OnFailure' for a Job's pods")
        for name in ("backoff_limit", "ttl_seconds_after_finished", "completions", "parallelism"):
            non_negative(f"job.{name}", getattr(self, name))
        non_negative("job.active_deadline_seconds", self.active_deadline_seconds, INT64_MAX)  # an int64 field
        object.__setattr__(self, "labels", labels("job.labels", self.labels))
        claim = self.pod.one_node_claim()
        if claim is not None and self.pods_at_once > 1:
            raise InvalidValueError(
                "job.parallelism", self.parallelism,
                f"1 while the pod mounts claim '{claim}', whose volume attaches to one node at a time: pods on other "
                "nodes would wait on it (Multi-Attach error) until the first ends, so the run is not parallel and "
                "may pass its deadline; use a claim with ReadWriteMany access")

    @property
    def pods_at_once(self) -> int:
        """Pods that run at the same time: ``parallelism`` (default 1; 0 suspends the Job), never more than
        ``completions`` (the Job controller starts no more than remain)."""
        parallelism = 1 if self.parallelism is None else self.parallelism
        return parallelism if self.completions is None else min(parallelism, self.completions)

    def to_manifest(self, pod_labels: dict[str, str] | None = None) -> dict[str, Any]:
        """The Job spec; its pods carry ``pod_labels`` and :attr:`labels`."""
        spec: dict[str, Any] = {"template": pod_template({**(pod_labels or {}), **self.labels}, self.pod)}
        for key, value in (("backoffLimit", self.backoff_limit),
                           ("activeDeadlineSeconds", self.active_deadline_seconds),
                           ("ttlSecondsAfterFinished", self.ttl_seconds_after_finished),
                           ("completions", self.completions), ("parallelism", self.parallelism)):
            if value is not None:
                spec[key] = value
        return spec


@dataclass(frozen=True, kw_only=True)
class JobArgs(Checked, prefix="job"):
    """What a :class:`Job` needs: its name, namespace and the run (:class:`JobSpec`); checked when declared.

    Fields:
        name: a DNS-1123 label.
        namespace: a :class:`Namespace` of ours (its Pod Security level must admit the pod) or an existing
            namespace's name.
        job: the run: its pod, retries, deadlines (seconds), completions and parallelism.
        labels: labels of the Job object (its pods take ``job.labels``).
        wait_for_completion: see its comment (default ``True``).

    Any change to the Job's spec replaces it, the old Job deleted first. When it is created, ``job.parallelism``
    pods (one when unset) are counted against the quota of a namespace of ours.

    Raises:
        InvalidValueError: naming ``job.name`` (not a DNS-1123 label), ``job.labels[<key>]`` (an invalid label),
            or ``job.pod.containers`` / ``job.pod.volumes`` (a pod the namespace's Pod Security level would reject).
    """

    name: str
    namespace: NamespaceRef
    job: JobSpec
    labels: dict[str, str] = field(default_factory=dict)
    #: Make ``pulumi up`` wait until the Job succeeds (a failed run then fails the update).
    wait_for_completion: bool = True

    def __post_init__(self) -> None:
        dns_label("job.name", self.name)
        object.__setattr__(self, "labels", labels("job.labels", self.labels))
        check_admitted(self.namespace, self.job.pod, "job")

    def demand(self) -> PodDemand:
        """What it counts against its namespace's quota: the pods that run at once (:meth:`JobSpec.pods_at_once`)."""
        return PodDemand("job", self.job.pod, self.job.pods_at_once, "parallelism", "job.parallelism")


#: The label the Job controller puts on every pod of a Job: its name, stable for a Job (``batch/v1`` since
#: Kubernetes 1.27; the pods of each run of a CronJob carry their run's Job name instead).
JOB_NAME_LABEL = "batch.kubernetes.io/job-name"


class Job(TrafficPeer, k8s.batch.v1.Job):
    """A one-off run. A Job's pod template cannot change: any change to it runs a new Job."""

    def __init__(self, resource_name: str, args: JobArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        self.args = args
        self.name = args.name
        # The Job controller's defaulting adds both name labels to the pods (the legacy one for old selectors).
        carried = {**with_reference_labels(args.job.labels, args.job.pod), JOB_NAME_LABEL: args.name,
                   "job-name": args.name}
        self._peer(resource_name, args.namespace, DeclaredPods(
            kind="Job", name=args.name, selector={JOB_NAME_LABEL: args.name}, labels=carried,
            selector_field="job.job.labels", labels_field="job.job.labels", pod_field="job.job.pod",
            remedy="another name for one of them"),
            args.job.pod, args.demand(), opts)
        annotations = {} if args.wait_for_completion else {SKIP_AWAIT: "true"}
        body: dict[str, Any] = {"metadata": object_metadata(args.name, args.namespace, args.labels, annotations),
                                "spec": args.job.to_manifest()}
        super().__init__(resource_name, **body, opts=pulumi.ResourceOptions.merge(
            object_options(self, resource_name, opts, args.namespace, args.job.pod.dependencies),
            pulumi.ResourceOptions(replace_on_changes=["spec"], delete_before_replace=True)))


class ConcurrencyPolicy(StrEnum):
    """What a CronJob does when a run is due while the previous one still runs: its ``spec.concurrencyPolicy``.

    ``Allow`` runs both, ``Forbid`` skips the new run, ``Replace`` stops the running Job and starts the new one.
    ``CronJobArgs.concurrency=None`` leaves the field unset.
    """

    ALLOW = "Allow"
    FORBID = "Forbid"  # skip a run while the previous one is still going
    REPLACE = "Replace"


@dataclass(frozen=True, kw_only=True)
class CronJobArgs(Checked, prefix="cron_job"):
    """What a :class:`CronJob` needs: a schedule and the Job each run creates; checked when declared.

    Fields:
        name: a DNS-1123 label of at most 52 characters (the controller appends an 11-character suffix to the name
            of each Job).
        namespace: a :class:`Namespace` of ours (its Pod Security level must admit the pod) or an existing
            namespace's name.
        schedule: see its comment.
        job: the Job each run creates (:class:`JobSpec`).
        time_zone: the schedule's IANA time zone, ``spec.timeZone``, such as ``Asia/Seoul`` (``None``, the
            default, leaves it unset: the controller's time zone).
        concurrency: ``spec.concurrencyPolicy`` (:class:`ConcurrencyPolicy`); ``None`` (default) leaves it unset.
        successful_jobs_history_limit, failed_jobs_history_limit: finished Jobs kept; ``None`` leaves them unset.
        starting_deadline_seconds: seconds after its scheduled time a missed run may still start; ``None`` leaves it
            unset.
        suspend: suspend the schedule (default ``False``).
        labels: labels of the CronJob object (its pods take ``job.labels``).

    When the CronJob is created, ``job.parallelism`` pods (one when unset) are counted against the quota of a
    namespace of ours.

    Raises:
        InvalidValueError: naming ``cron_job.name`` (not a DNS-1123 label, or longer than 52 characters),
            ``cron_job.schedule`` (not a schedule the API server's cron parser reads), ``cron_job.time_zone`` (not a
            time zone the API server knows), ``cron_job.<field>`` for a history limit
            or deadline that is not a non-negative integer, ``cron_job.labels[<key>]`` (an invalid label),
            ``cron_job.concurrency`` (Allow, or unset, while the pod mounts a one-node claim), or
            ``cron_job.pod.containers`` / ``cron_job.pod.volumes`` (a pod the namespace's Pod Security level would
            reject).
    """

    name: str
    namespace: NamespaceRef
    #: Five cron fields ('*/1 * * * *'), a macro ('@hourly') or '@every <duration>'; checked as the API server
    #: checks it (:mod:`pilothouse.kubernetes.schedule`).
    schedule: str
    job: JobSpec
    time_zone: str | None = None
    concurrency: ConcurrencyPolicy | None = None
    successful_jobs_history_limit: int | None = None
    failed_jobs_history_limit: int | None = None
    starting_deadline_seconds: int | None = None
    suspend: bool = False
    labels: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        dns_label("cron_job.name", self.name)
        if len(self.name) > 52:  # the controller appends an 11-character suffix to each Job's name
            raise InvalidValueError("cron_job.name", self.name, "at most 52 characters")
        cron_schedule("cron_job.schedule", self.schedule)
        if self.time_zone is not None:
            time_zone("cron_job.time_zone", self.time_zone)
        for name in ("successful_jobs_history_limit", "failed_jobs_history_limit"):
            non_negative(f"cron_job.{name}", getattr(self, name))
        non_negative("cron_job.starting_deadline_seconds", self.starting_deadline_seconds, INT64_MAX)  # int64
        object.__setattr__(self, "labels", labels("cron_job.labels", self.labels))
        check_admitted(self.namespace, self.job.pod, "cron_job")
        claim = self.job.pod.one_node_claim()
        if claim is not None and self.concurrency in (None, ConcurrencyPolicy.ALLOW):
            # Allow (the API server's default) starts a run while the last one goes on: on another node, its pod
            # waits on the claim (Multi-Attach error) until the last run ends.
            raise InvalidValueError("cron_job.concurrency", None if self.concurrency is None else str(
                self.concurrency), f"'Forbid' (or 'Replace') while the pod mounts claim '{claim}', whose volume "
                "attaches to one node at a time: with 'Allow', the default, a run due while the last one goes on "
                "waits on it (Multi-Attach error)")

    def demand(self) -> PodDemand:
        """What it counts against its namespace's quota: the parallelism of one run (default 1)."""
        return PodDemand("cron_job", self.job.pod, self.job.pods_at_once, "parallelism of one run",
                         "cron_job.job.parallelism")


class CronJob(TrafficPeer, k8s.batch.v1.CronJob):
    """Runs its Job on a schedule."""

    def __init__(self, resource_name: str, args: CronJobArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        self.args = args
        self.name = args.name
        # Each run's Job has a new name: its pods carry a stable ``app`` label instead (that of job.labels if set).
        selector = {"app": args.job.labels.get("app", args.name)}
        carried = with_reference_labels({**selector, **args.job.labels}, args.job.pod)
        self._peer(resource_name, args.namespace, DeclaredPods(
            kind="CronJob", name=args.name, selector=selector, labels=carried, selector_field="cron_job.job.labels",
            labels_field="cron_job.job.labels", pod_field="cron_job.job.pod"), args.job.pod, args.demand(), opts)
        spec: dict[str, Any] = {"schedule": args.schedule, "jobTemplate": {"spec": args.job.to_manifest(selector)}}
        for key, value in (("timeZone", args.time_zone),
                           ("concurrencyPolicy", None if args.concurrency is None else str(args.concurrency)),
                           ("successfulJobsHistoryLimit", args.successful_jobs_history_limit),
                           ("failedJobsHistoryLimit", args.failed_jobs_history_limit),
                           ("startingDeadlineSeconds", args.starting_deadline_seconds)):
            if value is not None:
                spec[key] = value
        if args.suspend:
            spec["suspend"] = True
        body: dict[str, Any] = {"metadata": object_metadata(args.name, args.namespace, args.labels), "spec": spec}
        super().__init__(resource_name, opts=object_options(self, resource_name, opts, args.namespace,
                                                                 args.job.pod.dependencies), **body)
