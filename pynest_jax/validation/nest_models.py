"""NEST 3.10's node and synapse models, as a static table.

The compatibility matrix lists every model of NEST 3.10 whether or not NEST is
installed, so the names are written out here. Each entry gives the matrix
kind (``neuron``, ``device`` or ``synapse``), the integration category that
sets the comparison tolerance and, where it matters, a short remark:

* ``A``: ODEs integrated with the adaptive Runge-Kutta-Fehlberg 4(5) solver (or
  another numerical solver),
* ``B``: exact integration with propagator matrices (or a fixed discrete map),
* ``C``: Hodgkin-Huxley type models,
* ``D``: rate and binary neurons,
* ``E``: devices, synapses and plasticity.

``stochastic`` marks models whose output NEST draws from its random number
generator; those can only be compared statistically.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NestModel:
    name: str
    kind: str  # "neuron", "device" or "synapse"
    category: str  # "A".."E"
    stochastic: bool = False
    remark: str = ""
    variants: tuple[str, ...] = ()  # synapse variants sharing this row (_hpc, _lbl)


def _n(name: str, category: str, stochastic: bool = False, remark: str = "") -> NestModel:
    return NestModel(name, "neuron", category, stochastic, remark)


def _d(name: str, stochastic: bool = False, remark: str = "") -> NestModel:
    return NestModel(name, "device", "E", stochastic, remark)


def _s(name: str, variants: str = "hpc lbl", stochastic: bool = False, remark: str = "") -> NestModel:
    return NestModel(name, "synapse", "E", stochastic, remark, tuple(f"{name}_{v}" for v in variants.split()))


NODE_MODELS: tuple[NestModel, ...] = (
    _d("ac_generator"),
    _n("aeif_cond_alpha", "A"),
    _n("aeif_cond_alpha_astro", "A"),
    _n("aeif_cond_alpha_multisynapse", "A"),
    _n("aeif_cond_beta_multisynapse", "A"),
    _n("aeif_cond_exp", "A"),
    _n("aeif_psc_alpha", "A"),
    _n("aeif_psc_delta", "A"),
    _n("aeif_psc_delta_clopath", "A"),
    _n("aeif_psc_exp", "A"),
    _n("amat2_psc_exp", "B"),
    _n("astrocyte_lr_1994", "A", remark="astrocyte"),
    _n("cm_default", "A", remark="compartmental; implicit solver"),
    _d("correlation_detector"),
    _d("correlomatrix_detector"),
    _d("correlospinmatrix_detector"),
    _d("dc_generator"),
    _n("eprop_iaf", "B"),
    _n("eprop_iaf_adapt", "B"),
    _n("eprop_iaf_adapt_bsshslm_2020", "B"),
    _n("eprop_iaf_bsshslm_2020", "B"),
    _n("eprop_iaf_psc_delta", "B"),
    _n("eprop_iaf_psc_delta_adapt", "B"),
    _n("eprop_readout", "B"),
    _n("eprop_readout_bsshslm_2020", "B"),
    _n("erfc_neuron", "D", True, "binary neuron"),
    _d("gamma_sup_generator", True),
    _n("gauss_rate_ipn", "D"),
    _n("gif_cond_exp", "A", True),
    _n("gif_cond_exp_multisynapse", "A", True),
    _n("gif_pop_psc_exp", "B", True, "population model"),
    _n("gif_psc_exp", "B", True),
    _n("gif_psc_exp_multisynapse", "B", True),
    _n("ginzburg_neuron", "D", True, "binary neuron"),
    _n("glif_cond", "A"),
    _n("glif_psc", "B"),
    _n("glif_psc_double_alpha", "B"),
    _n("hh_cond_beta_gap_traub", "C"),
    _n("hh_cond_exp_traub", "C"),
    _n("hh_psc_alpha", "C"),
    _n("hh_psc_alpha_clopath", "C"),
    _n("hh_psc_alpha_gap", "C"),
    _n("ht_neuron", "A"),
    _n("iaf_bw_2001", "A"),
    _n("iaf_bw_2001_exact", "A"),
    _n("iaf_chs_2007", "B", True),
    _n("iaf_chxk_2008", "A"),
    _n("iaf_cond_alpha", "A"),
    _n("iaf_cond_alpha_mc", "A", remark="multi-compartment"),
    _n("iaf_cond_beta", "A"),
    _n("iaf_cond_exp", "A"),
    _n("iaf_cond_exp_sfa_rr", "A"),
    _n("iaf_psc_alpha", "B"),
    _n("iaf_psc_alpha_multisynapse", "B"),
    _n("iaf_psc_alpha_ps", "B", remark="precise spike times"),
    _n("iaf_psc_delta", "B"),
    _n("iaf_psc_delta_ps", "B", remark="precise spike times"),
    _n("iaf_psc_exp", "B", True, remark="escape noise when delta > 0"),
    _n("iaf_psc_exp_htum", "B"),
    _n("iaf_psc_exp_multisynapse", "B"),
    _n("iaf_psc_exp_ps", "B", remark="precise spike times"),
    _n("iaf_psc_exp_ps_lossless", "B", remark="precise spike times"),
    _n(
        "iaf_tum_2000",
        "B",
        True,
        remark="escape noise when delta > 0; iaf_tum_2000 to iaf_tum_2000 on receptor 1 not supported yet",
    ),
    _n("ignore_and_fire", "B", remark="fires at a fixed rate, no dynamics"),
    _d("inhomogeneous_poisson_generator", True),
    _n("izhikevich", "B", remark="fixed-step map"),
    _n("lin_rate_ipn", "D"),
    _n("lin_rate_opn", "D"),
    _n("mat2_psc_exp", "B"),
    _n("mcculloch_pitts_neuron", "D", True, "binary neuron"),
    _d("mip_generator", True),
    _d("multimeter"),
    _d("noise_generator", True),
    _n("parrot_neuron", "E"),
    _n("parrot_neuron_ps", "E", remark="precise spike times"),
    _d("poisson_generator", True),
    _d("poisson_generator_ps", True),
    _n("pp_cond_exp_mc_urbanczik", "A", True, "multi-compartment"),
    _n("pp_psc_delta", "B", True),
    _d("ppd_sup_generator", True),
    _d("pulsepacket_generator", True),
    _n("rate_transformer_gauss", "D"),
    _n("rate_transformer_lin", "D"),
    _n("rate_transformer_sigmoid", "D"),
    _n("rate_transformer_sigmoid_gg_1998", "D"),
    _n("rate_transformer_tanh", "D"),
    _n("rate_transformer_threshold_lin", "D"),
    _n("siegert_neuron", "D"),
    _n("sigmoid_rate_gg_1998_ipn", "D"),
    _n("sigmoid_rate_ipn", "D"),
    _d("sinusoidal_gamma_generator", True),
    _d("sinusoidal_poisson_generator", True),
    _d("spike_dilutor", True),
    _d("spike_generator"),
    _d("spike_recorder"),
    _n("spike_train_injector", "E", remark="spike source"),
    _d("spin_detector"),
    _d("step_current_generator"),
    _d("step_rate_generator"),
    _n("tanh_rate_ipn", "D"),
    _n("tanh_rate_opn", "D"),
    _n("threshold_lin_rate_ipn", "D"),
    _n("threshold_lin_rate_opn", "D"),
    _d("voltmeter"),
    _d("volume_transmitter"),
    _d("weight_recorder"),
)

SYNAPSE_MODELS: tuple[NestModel, ...] = (
    _s("bernoulli_synapse", stochastic=True),
    _s("clopath_synapse"),
    _s("cont_delay_synapse"),
    _s("diffusion_connection", ""),
    _s("eprop_learning_signal_connection", ""),
    _s("eprop_learning_signal_connection_bsshslm_2020", ""),
    _s("eprop_synapse", "hpc"),
    _s("eprop_synapse_bsshslm_2020", "hpc"),
    _s("gap_junction", ""),
    _s("ht_synapse"),
    _s("jonke_synapse"),
    _s("quantal_stp_synapse", stochastic=True),
    _s("rate_connection_delayed", ""),
    _s("rate_connection_instantaneous", ""),
    _s("sic_connection", ""),
    _s("static_synapse"),
    _s("static_synapse_hom_w"),
    _s("stdp_dopamine_synapse"),
    _s("stdp_facetshw_synapse_hom"),
    _s("stdp_nn_pre_centered_synapse"),
    _s("stdp_nn_restr_synapse"),
    _s("stdp_nn_symm_synapse"),
    _s("stdp_pl_synapse_hom"),
    _s("stdp_synapse"),
    _s("stdp_synapse_hom"),
    _s("stdp_triplet_synapse"),
    _s("tsodyks2_synapse"),
    _s("tsodyks_synapse"),
    _s("tsodyks_synapse_hom"),
    _s("urbanczik_synapse"),
    _s("vogels_sprekeler_synapse"),
)

ALL_MODELS: dict[str, NestModel] = {m.name: m for m in (*NODE_MODELS, *SYNAPSE_MODELS)}

# A synapse variant (``stdp_synapse_hpc``) maps to the model whose row it shares.
BASE_OF: dict[str, str] = {
    **{m.name: m.name for m in ALL_MODELS.values()},
    **{v: m.name for m in SYNAPSE_MODELS for v in m.variants},
}


def base_name(name: str) -> str:
    """The matrix row of a model name (a synapse variant's base model), or the name itself."""
    return BASE_OF.get(name, name)
