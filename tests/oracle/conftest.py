"""The local control plane, with the custom resource definitions the stacks use, for the oracle's tests."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest

from tests.e2e.kube import KubeApi
from tests.e2e.toolchain import ControlPlaneBusyError, local_control_plane
from tests.oracle.server import Oracle


@pytest.fixture(scope="package")
def oracle() -> Iterator[Oracle]:
    try:
        with local_control_plane(clean_slate=False) as kubeconfig:
            server = Oracle(KubeApi(kubeconfig))
            server.install_crds()
            yield server
    except ControlPlaneBusyError as busy:
        pytest.fail(str(busy))
    except subprocess.CalledProcessError as failed:
        pytest.fail(f"the local control plane did not start:\n{failed.stderr}")
