"""Shared fixtures. Paths to the checkout, the examples and ../shared live in tests/helpers.py."""

from __future__ import annotations

import pytest

from tests.helpers import EXAMPLES, SEEDS, SHARED


@pytest.fixture(scope="session")
def examples_dir():
    """The shipped example stories (written here, with gold in examples/gold.json)."""
    return EXAMPLES


@pytest.fixture(scope="session")
def seeds_dir():
    """../shared/seeds: skipped where the shared folder is not beside the checkout."""
    if not SEEDS.is_dir():
        pytest.skip(f"{SEEDS} is not here")
    return SEEDS


@pytest.fixture(scope="session")
def shared_data():
    """../shared/data (real evaluation data, read in place)."""
    data = SHARED / "data"
    if not data.is_dir():
        pytest.skip(f"{data} is not here")
    return data
