"""Wellbeing tests build aid data through the real services; they screen text with the engine's
deterministic stages (see ``tests.aid.conftest.screening_without_classifier``), since what they
test is time, budgets and counts, not the classifier's current thresholds."""

from __future__ import annotations

import pytest
from django.utils import translation

from tests.aid.conftest import screening_without_classifier


@pytest.fixture(autouse=True)
def _deterministic_screening(monkeypatch):
    screening_without_classifier(monkeypatch)


@pytest.fixture(autouse=True)
def _fresh_duplicate_windows():
    """The screening gate keeps each group's recent texts in process memory (near-duplicate
    detection), keyed by group id; ids repeat across tests, so without this a text posted here
    could make another app's test see "a copy" and hold its post."""
    from huzhu.core import gate

    gate._windows.clear()
    yield
    gate._windows.clear()


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield
