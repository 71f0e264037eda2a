"""Bad input raises the NEST error class NEST raises, before anything is changed."""

from __future__ import annotations

import pytest
from compare import real_nest

import pynest_jax


def _two(nest):
    return nest.Create("iaf_psc_alpha"), nest.Create("iaf_psc_alpha")


CASES = {
    "unknown model": lambda nest: nest.Create("no_such_model"),
    "unknown parameter": lambda nest: nest.Create("iaf_psc_alpha", params={"foo": 1.0}),
    "ill-typed parameter": lambda nest: nest.Create("iaf_psc_alpha", params={"C_m": "abc"}),
    "C_m <= 0": lambda nest: nest.Create("iaf_psc_alpha", params={"C_m": 0.0}),
    "t_ref < 0": lambda nest: nest.Create("iaf_psc_alpha", params={"t_ref": -1.0}),
    "V_reset >= V_th": lambda nest: nest.Create("iaf_psc_alpha", params={"V_reset": -50.0}),
    "negative tau_m": lambda nest: nest.Create("iaf_psc_alpha", params={"tau_m": -5.0}),
    "set invalid value": lambda nest: nest.Create("iaf_psc_alpha").set(C_m=-1.0),
    "set ill-typed value": lambda nest: nest.Create("iaf_psc_alpha").set(V_m="x"),
    "set unknown key": lambda nest: nest.Create("iaf_psc_alpha").set(foo=1.0),
    "unknown rule": lambda nest: nest.Connect(*_two(nest), {"rule": "foo"}),
    "unknown rule parameter": lambda nest: nest.Connect(*_two(nest), {"rule": "all_to_all", "foo": 1}),
    "one_to_one size mismatch": lambda nest: nest.Connect(
        nest.Create("iaf_psc_alpha", 2), nest.Create("iaf_psc_alpha", 3), "one_to_one"
    ),
    "indegree too large without multapses": lambda nest: nest.Connect(
        nest.Create("iaf_psc_alpha", 3),
        nest.Create("iaf_psc_alpha", 3),
        {"rule": "fixed_indegree", "indegree": 5, "allow_multapses": False},
    ),
    "unknown synapse model": lambda nest: nest.Connect(*_two(nest), syn_spec={"synapse_model": "foo"}),
    "unknown syn_spec key": lambda nest: nest.Connect(*_two(nest), syn_spec={"foo": 1.0}),
    "delay below resolution": lambda nest: nest.Connect(*_two(nest), syn_spec={"delay": 0.01}),
    "negative delay": lambda nest: nest.Connect(*_two(nest), syn_spec={"delay": -1.0}),
    "unknown receptor": lambda nest: nest.Connect(*_two(nest), syn_spec={"receptor_type": 3}),
    "simulate off-grid time": lambda nest: nest.Simulate(0.05),
    "simulate negative time": lambda nest: nest.Simulate(-1.0),
    "get unknown key": lambda nest: nest.Create("iaf_psc_alpha").get("foo"),
    "GetStatus unknown key": lambda nest: nest.GetStatus(nest.Create("iaf_psc_alpha"), "foo"),
    "copy to existing name": lambda nest: nest.CopyModel("iaf_psc_alpha", "iaf_psc_alpha"),
    "copy unknown model": lambda nest: nest.CopyModel("foo", "bar"),
    "defaults of unknown model": lambda nest: nest.GetDefaults("foo"),
    "multimeter interval off grid": lambda nest: nest.Create("multimeter", params={"interval": 0.15}),
    "recorder start off grid": lambda nest: nest.Create("spike_recorder", params={"start": 0.35}),
}


def _error_name(fn, nest) -> str:
    nest.ResetKernel()
    try:
        fn(nest)
    except Exception as e:  # noqa: BLE001 - we compare whatever NEST raises
        return type(e).__name__
    return "no error"


@pytest.mark.parametrize("case", sorted(CASES))
def test_same_error_class_as_nest(case: str) -> None:
    expected = _error_name(CASES[case], real_nest)
    assert expected != "no error"
    pynest_jax.ResetKernel()
    with pytest.raises(Exception) as info:
        CASES[case](pynest_jax)
    assert type(info.value).__name__ == expected
    if expected != "KeyError":
        assert isinstance(info.value, pynest_jax.NESTError)
        assert isinstance(info.value, getattr(pynest_jax.NESTErrors, expected))


def test_failed_calls_leave_nothing_behind() -> None:
    nest = pynest_jax
    nest.ResetKernel()
    a = nest.Create("iaf_psc_alpha", 3)
    b = nest.Create("iaf_psc_alpha", 3)
    with pytest.raises(nest.NESTErrors.BadProperty):
        nest.Create("iaf_psc_alpha", 5, params={"C_m": -1.0})
    with pytest.raises(nest.NESTErrors.BadProperty):
        nest.Create("iaf_psc_alpha", 2, params=[{"V_m": -60.0}, {"t_ref": -2.0}])
    assert nest.network_size == 6
    with pytest.raises(nest.NESTErrors.BadDelay):
        nest.Connect(a, b, syn_spec={"delay": [[1.0, 0.0, 1.0], [1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]})
    with pytest.raises(nest.NESTErrors.UnknownReceptorType):
        nest.Connect(a, b, syn_spec={"receptor_type": 2})
    assert nest.num_connections == 0
    a.set(V_m=-60.0)
    with pytest.raises(nest.NESTErrors.BadProperty):
        a.set({"V_m": -50.0, "V_reset": 0.0})
    with pytest.raises(nest.NESTErrors.BadProperty):
        a.set([{"V_m": -10.0}, {"V_m": -11.0}, {"C_m": 0.0}])
    assert a.V_m == (-60.0, -60.0, -60.0)
    assert a.V_reset == (-70.0, -70.0, -70.0)
    with pytest.raises(nest.NESTErrors.BadParameter):
        nest.Simulate(0.05)
    assert nest.biological_time == 0.0
    with pytest.raises(nest.NESTErrors.NewModelNameExists):
        nest.CopyModel("static_synapse", "static_synapse")
    with pytest.raises(nest.NESTErrors.BadDelay):
        nest.CopyModel("static_synapse", "bad_copy", {"delay": 0.0})
    assert "bad_copy" not in nest.synapse_models


def test_errors_are_nest_errors() -> None:
    assert issubclass(pynest_jax.NESTErrors.UnknownModelName, pynest_jax.NESTError)
    assert pynest_jax.NESTError is pynest_jax.NESTErrors.KernelException


def test_resolution_cannot_change_after_create() -> None:
    real_nest.ResetKernel()
    real_nest.Create("iaf_psc_alpha")
    with pytest.raises(Exception) as ref:
        real_nest.resolution = 0.2
    pynest_jax.ResetKernel()
    pynest_jax.Create("iaf_psc_alpha")
    with pytest.raises(pynest_jax.NESTError) as ours:
        pynest_jax.resolution = 0.2
    assert type(ours.value).__name__ == type(ref.value).__name__
    assert str(ours.value) == str(ref.value)
    assert pynest_jax.resolution == 0.1
