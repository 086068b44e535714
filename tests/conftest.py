"""Shared fixtures. The repository root goes on sys.path so tests import `lib_imgedit` as the WebUI does."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lib_imgedit.config import load_rules, load_settings  # noqa: E402


@pytest.fixture
def rules() -> dict:
    return load_rules()


@pytest.fixture
def settings(tmp_path):
    return load_settings(tmp_path / "data", env={})


@pytest.fixture(scope="session")
def astronaut() -> np.ndarray:
    from skimage import data

    return data.astronaut()

