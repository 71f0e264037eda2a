"""Shared test set-up: compiled networks are released after every test module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True, scope="module")
def _release_compiled_networks() -> Iterator[None]:
    """The suite compiles thousands of networks in one process; keeping them all
    mapped made XLA:CPU crash (segfault or abort while compiling or serialising)."""
    yield
    from pynest_jax.engine import release_compiled

    release_compiled()
