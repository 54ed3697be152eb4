"""Fixtures the end-to-end tests share."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest

from tests.e2e.kube import KubeApi
from tests.e2e.toolchain import ControlPlaneBusyError, local_control_plane


@pytest.fixture(scope="module")
def cluster() -> Iterator[KubeApi]:
    """The local control plane, from a clean slate, for one test module."""
    try:
        with local_control_plane(clean_slate=True) as kubeconfig:
            yield KubeApi(kubeconfig)
    except ControlPlaneBusyError as busy:
        pytest.fail(str(busy))
    except subprocess.CalledProcessError as failed:
        pytest.fail(f"the local control plane did not start:\n{failed.stderr}")
