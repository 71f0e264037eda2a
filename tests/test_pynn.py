"""PyNN 0.13's ``pyNN.nest`` backend on pynest_jax, compared with the real NEST.

tests/pynn_scripts/small_network.py (a deterministic network of 25
``IF_curr_alpha`` cells, ``StaticSynapse`` projections, a ``DCSource`` and a
``SpikeSourceArray``; see its docstring) runs twice as a subprocess: ``python
SCRIPT`` (NEST 3.10) and ``python -m pynest_jax SCRIPT``. Compared:

* per population and in total: the spike counts, equal;
* every cell's spike times, equal (both engines put spikes on the 0.1 ms grid);
* the membrane potential of two cells at every step, within 1e-9 mV;
* per projection: its size, and its connections as a set of (pre index, post
  index, weight, delay), equal. Their order is not compared: NEST lists one
  source's connections in the order its unstable sort by source left them.

Nothing skips: if PyNN or NEST cannot be imported, the real-NEST run fails and
so does the test. The module takes about 10 s.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "tests" / "pynn_scripts" / "small_network.py"
MARKER = "PYNN_RESULT "
TIMEOUT_S = 120


def _run(engine: str, cwd: Path) -> dict[str, Any]:
    """Run the script on ``engine`` ("nest" or "pynest_jax"); returns its JSON result."""
    cmd = (
        [sys.executable, str(SCRIPT)]
        if engine == "nest"
        else [sys.executable, "-m", "pynest_jax", str(SCRIPT)]
    )
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYNEST_JAX_COMPILATION_CACHE": "0", "MPLBACKEND": "Agg"}
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT_S)
    lines = [line for line in proc.stdout.splitlines() if line.startswith(MARKER)]
    assert proc.returncode == 0 and len(lines) == 1, (
        f"{engine} run failed (rc={proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}"
    )
    return json.loads(lines[0][len(MARKER) :])


@functools.cache
def _results(cwd: str) -> tuple[dict[str, Any], dict[str, Any]]:
    return _run("nest", Path(cwd)), _run("pynest_jax", Path(cwd))


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], dict[str, Any]]:
    """(NEST, pynest_jax) results; run in a scratch directory, where PyNN may leave build files."""
    return _results(str(tmp_path_factory.mktemp("pynn")))


def test_spike_counts_equal(results: tuple[dict[str, Any], dict[str, Any]]) -> None:
    nest_res, jax_res = results
    assert nest_res["total"] > 100  # the network is active: the comparison means something
    assert jax_res["total"] == nest_res["total"]
    for label, pop in nest_res["populations"].items():
        assert jax_res["populations"][label]["count"] == pop["count"], label


def test_spike_times_equal(results: tuple[dict[str, Any], dict[str, Any]]) -> None:
    nest_res, jax_res = results
    for label, pop in nest_res["populations"].items():
        assert jax_res["populations"][label]["trains"] == pop["trains"], label


def test_membrane_potential_equal(results: tuple[dict[str, Any], dict[str, Any]]) -> None:
    nest_res, jax_res = results
    v_nest, v_jax = np.asarray(nest_res["v"]), np.asarray(jax_res["v"])
    assert v_nest.shape == (2, 2001)
    assert v_jax.shape == v_nest.shape
    np.testing.assert_allclose(v_jax, v_nest, rtol=0, atol=1e-9)


def test_projections_equal(results: tuple[dict[str, Any], dict[str, Any]]) -> None:
    nest_res, jax_res = results
    assert jax_res["projections"].keys() == nest_res["projections"].keys()
    for name, prj in nest_res["projections"].items():
        mine = jax_res["projections"][name]
        assert mine["size"] == prj["size"] == len(prj["connections"]), name
        assert sorted(map(tuple, mine["connections"])) == sorted(map(tuple, prj["connections"])), name


def test_run_time_reported(results: tuple[dict[str, Any], dict[str, Any]]) -> None:
    nest_res, jax_res = results
    assert nest_res["t"] == jax_res["t"] == 200.0


def test_get_connections_by_synapse_label() -> None:
    """PyNN tells its projections apart by ``synapse_label`` (``static_synapse_lbl``);
    the expected numbers are NEST 3.10's for the same calls."""
    import pynest_jax as nest

    nest.ResetKernel()
    a = nest.Create("iaf_psc_alpha", 3)
    nest.Connect(a[:1], a, "all_to_all", {"synapse_model": "static_synapse_lbl", "synapse_label": 1})
    nest.Connect(a[:1], a[:2], "all_to_all", {"synapse_model": "static_synapse_lbl", "synapse_label": 2})
    nest.Connect(a[:1], a[:2], "all_to_all", {"synapse_model": "static_synapse"})
    nest.Connect(a[:1], a[:2], "all_to_all", {"synapse_model": "static_synapse_lbl"})
    assert len(nest.GetConnections(a[:1], synapse_model="static_synapse_lbl", synapse_label=1)) == 3
    assert nest.GetConnections(synapse_label=2).get("target") == [1, 2]
    assert len(nest.GetConnections(synapse_label=-1)) == 9  # NEST's "unlabelled" selects every connection
    assert len(nest.GetConnections(synapse_label=0)) == 0
    with pytest.raises(nest.NESTErrors.TypeMismatch):
        nest.GetConnections(synapse_label=1.5)
    nest.ResetKernel()
