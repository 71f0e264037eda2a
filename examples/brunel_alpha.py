"""Brunel's (2000) sparsely connected network of excitatory and inhibitory neurons, on pynest_jax.

The network of NEST's ``brunel_alpha_nest.py`` example: ``4 * order``
excitatory and ``order`` inhibitory ``iaf_psc_alpha`` neurons, each receiving
10 % of the excitatory and 10 % of the inhibitory population as inputs
(``fixed_indegree``), inhibition ``g = 5`` times stronger than excitation,
and every neuron driven by an independent Poisson input at twice the rate
that brings the free membrane to threshold. Spikes of 50 neurons per
population are recorded; the script prints NEST's summary (neurons,
synapses, rates, build and simulation time) and saves a raster plot.

    python examples/brunel_alpha.py                     # 12,500 neurons, 1000 ms
    python examples/brunel_alpha.py --order 250 --simtime 300 --raster small.png

Reference: Brunel N (2000). Dynamics of sparsely connected networks of
excitatory and inhibitory spiking neurons. J Comput Neurosci 8, 183-208.
"""

from __future__ import annotations

import argparse
import time

import matplotlib

matplotlib.use("Agg")  # the raster is written to a file; no window is needed

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from scipy.special import lambertw  # noqa: E402

import pynest_jax as nest  # noqa: E402
import pynest_jax.raster_plot  # noqa: E402,F401


def psp_peak_per_pA(tau_m: float, c_m: float, tau_syn: float) -> float:
    """Peak membrane deflection (mV) caused by an alpha-shaped current of peak 1 pA.

    With ``I(t) = e/tau_syn * t * exp(-t/tau_syn)`` the membrane's response peaks where
    ``exp(b t) = 1 + (tau_m/tau_syn) b t`` (``b = 1/tau_syn - 1/tau_m``), solved by the
    lower branch of Lambert's W.
    """
    a = tau_m / tau_syn
    b = 1.0 / tau_syn - 1.0 / tau_m
    w = lambertw(-np.exp(-1.0 / a) / a, k=-1).real
    t_peak = (-w - 1.0 / a) / b
    decay_m, decay_s = np.exp(-t_peak / tau_m), np.exp(-t_peak / tau_syn)
    return float(np.e / (tau_syn * c_m * b) * ((decay_m - decay_s) / b - t_peak * decay_s))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--order", type=int, default=2500, help="network size: 4*order E and order I neurons")
    parser.add_argument("--simtime", type=float, default=1000.0, help="simulated time in ms")
    parser.add_argument("--raster", default="brunel_alpha_raster.png", help="where to save the raster plot")
    parser.add_argument("--seed", type=int, default=None, help="kernel rng_seed (NEST's default if omitted)")
    return parser.parse_args(argv)


def build_network(
    nest, order: int = 2500, indegree: int | None = None, n_rec: int = 50, threads: int | None = None
) -> dict:
    """Create and connect the network with the given PyNEST module (NEST or pynest_jax).

    ``indegree`` fixes the excitatory in-degree (10 % of the excitatory population
    by default; the inhibitory one is a quarter of it). The caller resets the kernel
    (this function does not, so the kernel's thread count and seed stay as the caller
    set them); ``threads``, if given, sets NEST's ``local_num_threads`` before any node
    is created (pynest_jax accepts it and runs on its JAX device either way).
    """
    dt, delay = 0.1, 1.5  # resolution and synaptic delay (ms)
    g, eta, epsilon = 5.0, 2.0, 0.1  # inhibition ratio, relative drive, connection probability
    n_ex, n_in = 4 * order, order
    c_ex = int(epsilon * n_ex) if indegree is None else indegree
    c_in = int(epsilon * n_in) if indegree is None else indegree // 4
    tau_syn, tau_m, c_m, theta = 0.5, 20.0, 250.0, 20.0
    neuron = {
        "C_m": c_m,
        "tau_m": tau_m,
        "tau_syn_ex": tau_syn,
        "tau_syn_in": tau_syn,
        "t_ref": 2.0,
        "E_L": 0.0,
        "V_reset": 0.0,
        "V_m": 0.0,
        "V_th": theta,
    }
    j_ex = 0.1 / psp_peak_per_pA(tau_m, c_m, tau_syn)  # current (pA) of a 0.1 mV PSP
    j_in = -g * j_ex
    nu_threshold = theta * c_m / (j_ex * c_ex * np.e * tau_m * tau_syn)
    poisson_rate = 1000.0 * eta * nu_threshold * c_ex

    if threads is not None:
        nest.local_num_threads = threads
    nest.resolution = dt
    print("Building network")
    exc = nest.Create("iaf_psc_alpha", n_ex, params=neuron)
    inh = nest.Create("iaf_psc_alpha", n_in, params=neuron)
    drive = nest.Create("poisson_generator", params={"rate": poisson_rate})
    rec_ex = nest.Create("spike_recorder", params={"label": "brunel-py-ex"})
    rec_in = nest.Create("spike_recorder", params={"label": "brunel-py-in"})

    print("Connecting devices")
    nest.CopyModel("static_synapse", "excitatory", {"weight": j_ex, "delay": delay})
    nest.CopyModel("static_synapse", "inhibitory", {"weight": j_in, "delay": delay})
    nest.Connect(drive, exc, syn_spec="excitatory")
    nest.Connect(drive, inh, syn_spec="excitatory")
    nest.Connect(exc[:n_rec], rec_ex, syn_spec="excitatory")
    nest.Connect(inh[:n_rec], rec_in, syn_spec="excitatory")

    print("Connecting network")
    everyone = exc + inh
    print("Excitatory connections")
    nest.Connect(exc, everyone, {"rule": "fixed_indegree", "indegree": c_ex}, "excitatory")
    print("Inhibitory connections")
    nest.Connect(inh, everyone, {"rule": "fixed_indegree", "indegree": c_in}, "inhibitory")
    return {
        "rec_ex": rec_ex,
        "rec_in": rec_in,
        "n_rec": n_rec,
        "n_ex": n_ex,
        "n_in": n_in,
        "neurons": n_ex + n_in,
    }


def main(argv: list[str] | None = None) -> dict[str, float]:
    """Build, simulate and summarise the network; returns the summary numbers."""
    args = parse_args(argv)
    nest.ResetKernel()
    if args.seed is not None:
        nest.rng_seed = args.seed
    t_start = time.time()
    net = build_network(nest, args.order)
    rec_ex, rec_in, n_rec = net["rec_ex"], net["rec_in"], net["n_rec"]
    t_built = time.time()

    print("Simulating")
    nest.Simulate(args.simtime)
    t_done = time.time()

    rate_ex = rec_ex.n_events / args.simtime * 1000.0 / n_rec
    rate_in = rec_in.n_events / args.simtime * 1000.0 / n_rec
    syn_ex = nest.GetDefaults("excitatory")["num_connections"]
    syn_in = nest.GetDefaults("inhibitory")["num_connections"]

    print("Brunel network simulation (Python)")
    print(f"Number of neurons : {net['neurons']}")
    print(f"Number of synapses: {syn_ex + syn_in}")
    print(f"       Excitatory : {syn_ex}")
    print(f"       Inhibitory : {syn_in}")
    print(f"Excitatory rate   : {rate_ex:.2f} spks/s")
    print(f"Inhibitory rate   : {rate_in:.2f} spks/s")
    print(f"Building time     : {t_built - t_start:.2f} s")
    print(f"Simulation time   : {t_done - t_built:.2f} s")

    if args.raster:
        if rec_ex.n_events:
            nest.raster_plot.from_device(rec_ex, hist=True)
            plt.savefig(args.raster, dpi=100)
            plt.close("all")
            print(f"Raster plot       : {args.raster}")
        else:
            print("No excitatory spikes recorded; no raster plot written.")
    return {
        "neurons": net["neurons"],
        "synapses": syn_ex + syn_in,
        "rate_ex": rate_ex,
        "rate_in": rate_in,
    }


if __name__ == "__main__":
    main()
