"""Values the API server accepts that then break at run time (issue 16, section 3): each refused when declared, with
the source of the rule in the message or the code."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pilothouse.errors import InvalidValueError
from pilothouse.kubernetes import (
    ConcurrencyPolicy,
    Container,
    CronJobArgs,
    JobSpec,
    Mount,
    PodSpec,
    Probe,
    RestartPolicy,
    SecretArgs,
    Volume,
)
from tests.pem import CERTIFICATE, PRIVATE_KEY


def _report(one_node: bool) -> JobSpec:
    claim = replace(Volume.claim("data", "data"), one_node=one_node)  # as PersistentVolumeClaim.volume() gives it
    worker = Container(name="report", image="shop/report:1.0", mounts=(Mount(claim, "/data"),))
    return JobSpec(pod=PodSpec(containers=(worker,), restart_policy=RestartPolicy.NEVER))


@pytest.mark.parametrize(("concurrency", "shown"), [(None, "None"), (ConcurrencyPolicy.ALLOW, "'Allow'")])
def test_a_cron_job_that_may_overlap_on_a_one_node_claim_is_refused(concurrency: ConcurrencyPolicy | None,
                                                                    shown: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        CronJobArgs(name="report", namespace="shop", schedule="*/5 * * * *", job=_report(True), concurrency=concurrency)
    assert str(error.value) == (
        f"cron_job.concurrency: got {shown}; expected 'Forbid' (or 'Replace') while the pod mounts claim 'data', whose "
        "volume attaches to one node at a time: with 'Allow', the default, a run due while the last one goes on waits "
        "on it (Multi-Attach error)")


@pytest.mark.parametrize("concurrency", [ConcurrencyPolicy.FORBID, ConcurrencyPolicy.REPLACE])
def test_a_cron_job_whose_runs_never_overlap_may_mount_a_one_node_claim(concurrency: ConcurrencyPolicy) -> None:
    CronJobArgs(name="report", namespace="shop", schedule="*/5 * * * *", job=_report(True), concurrency=concurrency)
    CronJobArgs(name="report", namespace="shop", schedule="*/5 * * * *", job=_report(False))  # ReadWriteMany


@pytest.mark.parametrize("value", ["a\r\nX-Injected: 1", "a\nb", "a\x00", "\x7f"])
def test_a_probe_header_value_the_kubelet_cannot_send_is_refused(value: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        Probe.http("/healthz", headers={"X-Probe": value})
    assert str(error.value) == (f"probe.headers['X-Probe']: got {value!r}; expected a header value without control "
                                "characters (CR, LF, NUL; RFC 9110 section 5.5)")


def test_a_probe_header_value_with_a_tab_is_sent_as_is() -> None:
    probe = Probe.http("/healthz", headers={"X-Probe": "a\tb"})
    assert probe.handler["httpGet"]["httpHeaders"] == [{"name": "X-Probe", "value": "a\tb"}]


@pytest.mark.parametrize(("pair", "field", "what"), [
    (("CERT", PRIVATE_KEY), "tls.crt", "a PEM certificate chain (-----BEGIN CERTIFICATE-----)"),
    ((CERTIFICATE, "KEY"), "tls.key", "a PEM private key (-----BEGIN PRIVATE KEY-----)"),
    ((PRIVATE_KEY, CERTIFICATE), "tls.crt", "a PEM certificate chain (-----BEGIN CERTIFICATE-----)"),
    ((CERTIFICATE, "-----BEGIN PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----"), "tls.key",
     "a PEM private key (-----BEGIN PRIVATE KEY-----)"),
])
def test_a_tls_secret_that_is_not_a_pem_pair_is_refused_without_showing_it(pair: tuple[str, str], field: str,
                                                                            what: str) -> None:
    # The API server stores it with a warning ("tls: failed to find any PEM data"); no listener can present it.
    with pytest.raises(InvalidValueError) as error:
        SecretArgs.tls("tls", "shop", certificate=pair[0], private_key=pair[1])
    assert str(error.value) == f"secret.data['{field}']: got '[not shown]'; expected {what}"


def test_a_pem_pair_is_accepted() -> None:
    args = SecretArgs.tls("tls", "shop", certificate=CERTIFICATE, private_key=PRIVATE_KEY)
    assert args.data["tls.crt"] == CERTIFICATE
