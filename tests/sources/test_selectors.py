"""Finding speakers by any name a report uses for them, and finding a source already stored."""

import pytest

from sources.models import Actor, Source
from sources.selectors import actor_lookup, source_matching
from tests import factories

TEXT = "Mr Pérez said they were shooting at us.\nPérez added that there were civilians inside."
URL = "https://www.bbc.co.uk/news/world-latin-america-42700000"


@pytest.fixture
def perez(db: None) -> Actor:
    return factories.ActorFactory(name="Oscar Pérez", aliases=["Mr Pérez", "Pérez", "pilot Oscar Pérez"])


@pytest.fixture
def oneill(db: None) -> Actor:
    return factories.ActorFactory(name="Siobhán O'Neill", aliases=["O'Neill", "Ms O'Neill"])


@pytest.fixture
def report(db: None) -> Source:
    return factories.SourceFactory(title="Pilot Oscar Pérez in bloody siege", text=TEXT, url=URL)


@pytest.mark.parametrize("name", ["Perez", "PÉREZ", "mr perez", "Mr Pérez", "  Oscar   Perez ", "Pe\u0301rez"])
def test_actor_lookup_finds_the_actor_whatever_the_case_and_accents(perez: Actor, name: str) -> None:
    found = actor_lookup(name=name)

    assert found.actor == perez
    assert not found.is_ambiguous


@pytest.mark.parametrize("name", ["O’Neill", "Ms O‘Neill", "o'neill"])
def test_actor_lookup_folds_typographic_apostrophes(oneill: Actor, name: str) -> None:
    assert actor_lookup(name=name).actor == oneill


def test_actor_lookup_alias_shared_by_two_actors_is_ambiguous(perez: Actor) -> None:
    namesake = factories.ActorFactory(name="Carlos Pérez", aliases=["Pérez"])

    found = actor_lookup(name="perez")

    assert found.is_ambiguous
    assert found.actor is None
    assert set(found.candidates) == {perez, namesake}


def test_actor_lookup_lists_an_actor_once_when_several_spellings_match(db: None) -> None:
    perez = factories.ActorFactory(name="Oscar Pérez", aliases=["Mr Pérez", "Mr Perez", "MR PÉREZ"])

    assert actor_lookup(name="mr perez").candidates == (perez,)


def test_actor_lookup_unknown_name_finds_nobody(perez: Actor) -> None:
    found = actor_lookup(name="Diosdado Cabello")

    assert found.candidates == ()
    assert found.actor is None
    assert not found.is_ambiguous


def test_actor_lookup_part_of_a_name_finds_nobody(perez: Actor) -> None:
    assert actor_lookup(name="Osc").candidates == ()


def test_actor_lookup_blank_name_finds_nobody(perez: Actor) -> None:
    assert actor_lookup(name="   ").candidates == ()


def test_source_matching_finds_the_source_by_url(report: Source) -> None:
    assert source_matching(url=URL) == report


def test_source_matching_finds_the_source_by_text_with_other_line_endings(report: Source) -> None:
    assert source_matching(text=TEXT.replace("\n", "\r\n")) == report


def test_source_matching_finds_nothing_for_a_new_url_and_text(report: Source) -> None:
    assert source_matching(url=URL + "-live", text="Another report.") is None


def test_source_matching_falls_back_to_the_text_when_the_url_is_new(report: Source) -> None:
    assert source_matching(url="https://archive.example/bbc-siege", text=TEXT) == report
