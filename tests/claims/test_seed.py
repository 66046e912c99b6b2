"""The hand-worked El Junquito story loads through the services, completely, and only once."""

from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from pytest_django import DjangoDbBlocker

from claims.models import Claim, ClaimLink, Statement
from claims.seed import SeedError, SeedReport, seed_load
from sources.models import Source

EL_JUNQUITO = settings.BASE_DIR / "fixtures" / "el-junquito"

BBC_REPORT = "Venezuela helicopter attack: Pilot Oscar Pérez in bloody siege"
INSTAGRAM_VIDEO = "Oscar Pérez's video from the besieged house in El Junquito"
CABELLO_TWEET = "Diosdado Cabello's tweet on the El Junquito operation"
OPENED_FIRE = "Oscar Pérez opened fire on police at El Junquito."
FIRED_AT = "Security forces fired rocket-propelled grenades at Oscar Pérez's group in El Junquito."
CIA_TIES = "Oscar Pérez has ties to the United States, specifically the CIA."
NO_CONFIRMED_LINKS = "Oscar Pérez has no confirmed links with any international or domestic group."

BRIDGE_SEED = """\
story:
  slug: bridge-budget-row
  title: Bridge budget row
outlets:
  - name: Council Gazette
    kind: government
    home_domain: gazette.example
actors:
  - key: mayor
    name: Ana Ruiz
    aliases: [Mayor Ruiz]
sources:
  - key: minutes
    kind: official_document
    title: Council minutes, 3 March
    outlet: Council Gazette
    text_file: minutes.txt
claims:
  - key: opens-in-march
    text: The new bridge will open in March.
  - key: no-money-left
    text: The council has no money left for the bridge.
statements:
  - source: minutes
    speaker: mayor
    claim: opens-in-march
    cue: said
    quote: the new bridge would open in March
links:
  - from: opens-in-march
    to: no-money-left
    relation: contradicts
"""
MINUTES = "The mayor said the new bridge would open in March. The treasurer said there was no money left."


@pytest.fixture(scope="module")
def _el_junquito_loaded_once(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[SeedReport]:
    # Loading the story takes about a second, so the tests that only read it share
    # one load, rolled back after the module; each test still runs in its own savepoint.
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed_load(EL_JUNQUITO)
        transaction.set_rollback(True)


@pytest.fixture
def seeded(_el_junquito_loaded_once: SeedReport, db: None) -> SeedReport:
    return _el_junquito_loaded_once


def story_folder(folder: Path, seed: str) -> Path:
    (folder / "seed.yaml").write_text(seed, encoding="utf-8")
    (folder / "minutes.txt").write_text(MINUTES, encoding="utf-8")
    return folder


@pytest.fixture
def bridge_folder(tmp_path: Path) -> Path:
    return story_folder(tmp_path, BRIDGE_SEED)


@pytest.fixture
def malformed_folder(tmp_path: Path) -> Path:
    """A statement refers to a claim the file does not define."""
    return story_folder(tmp_path, BRIDGE_SEED.replace("claim: opens-in-march", "claim: undefined-claim"))


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for app_label in ("auth", "claims", "sources")
        for model in apps.get_app_config(app_label).get_models(include_auto_created=True)
    }


def claim(text: str) -> Claim:
    return Claim.objects.get(text=text)


def confirmed_link_between(first: Claim, second: Claim, relation: str) -> bool:
    links = ClaimLink.objects.filter(relation=relation, status=ClaimLink.Status.CONFIRMED)
    return (
        links.filter(from_claim=first, to_claim=second).exists()
        or links.filter(from_claim=second, to_claim=first).exists()
    )


def test_seed_load_reports_what_it_created(seeded: SeedReport) -> None:
    assert seeded.created["statements"] == Statement.objects.count() >= 12
    assert seeded.created["claims"] == Claim.objects.count()
    assert seeded.created["links"] == ClaimLink.objects.count()
    assert seeded.created["sources"] == Source.objects.count() == 3


def test_seed_statements_quote_the_source_text_at_their_spans(seeded: SeedReport) -> None:
    statements = Statement.objects.select_related("source")

    assert statements.count() >= 12
    for statement in statements:
        assert statement.span_start is not None, statement
        assert statement.source.text[statement.span_start : statement.span_end] == statement.quote


def test_seed_loaded_twice_creates_nothing_new(seeded: SeedReport) -> None:
    before = row_counts()

    again = seed_load(EL_JUNQUITO)

    assert again.created == {}
    assert row_counts() == before
    assert str(again).endswith("nothing new")


def test_seed_bbc_article_relays_the_instagram_video_and_cabellos_tweet(seeded: SeedReport) -> None:
    article = Source.objects.get(title=BBC_REPORT, outlet__name="BBC News")

    assert set(article.relays.values_list("title", flat=True)) == {INSTAGRAM_VIDEO, CABELLO_TWEET}


def test_seed_cabellos_opened_fire_statement_came_via_his_tweet(seeded: SeedReport) -> None:
    statement = Statement.objects.get(claim=claim(OPENED_FIRE), speaker__name="Diosdado Cabello")

    assert statement.via_source.title == CABELLO_TWEET
    assert statement.source.title == BBC_REPORT
    assert statement.quote == "Mr Pérez had opened fire on police"


def test_seed_opened_fire_and_forces_fired_at_perez_contradict(seeded: SeedReport) -> None:
    assert confirmed_link_between(claim(OPENED_FIRE), claim(FIRED_AT), ClaimLink.Relation.CONTRADICTS)


def test_seed_cia_ties_and_no_confirmed_links_contradict(seeded: SeedReport) -> None:
    assert confirmed_link_between(claim(CIA_TIES), claim(NO_CONFIRMED_LINKS), ClaimLink.Relation.CONTRADICTS)


def test_seed_opened_fire_does_not_contradict_cia_ties(seeded: SeedReport) -> None:
    assert not confirmed_link_between(claim(OPENED_FIRE), claim(CIA_TIES), ClaimLink.Relation.CONTRADICTS)


def test_seed_actors_affiliated_with_the_government(seeded: SeedReport) -> None:
    statement = Statement.objects.select_related("speaker__affiliation").get(
        claim=claim(OPENED_FIRE), speaker__name="Diosdado Cabello"
    )

    assert statement.speaker.affiliation.name == "Venezuelan government"


def test_load_seed_command_prints_the_created_counts(bridge_folder: Path, db: None) -> None:
    out = StringIO()

    call_command("load_seed", str(bridge_folder), stdout=out)

    assert (
        "Loaded Bridge budget row: 1 story, 1 outlets, 1 actors, 1 sources, 2 claims, 1 statements, 1 links"
        in out.getvalue()
    )


def test_load_seed_command_run_twice_prints_nothing_new(bridge_folder: Path, db: None) -> None:
    # The bridge seed's statement gives only its quote, no span, as a researcher may write it.
    call_command("load_seed", str(bridge_folder), stdout=StringIO())
    out = StringIO()

    call_command("load_seed", str(bridge_folder), stdout=out)

    assert "Loaded Bridge budget row: nothing new" in out.getvalue()


def test_load_seed_command_loads_every_story_folder_by_default(db: None) -> None:
    out = StringIO()

    call_command("load_seed", stdout=out)

    assert f"Loaded {BBC_REPORT}:" in out.getvalue()


def test_load_seed_command_prints_the_demo_accounts(bridge_folder: Path, db: None) -> None:
    out = StringIO()

    call_command("load_seed", str(bridge_folder), "--demo-accounts", stdout=out)

    printed = out.getvalue()
    for role in ("editor", "reviewer", "researcher"):
        assert f"attest-{role}-demo" in printed
    demo_users = get_user_model().objects.filter(username__in=["editor", "reviewer", "researcher"], is_staff=True)
    assert sorted(user.groups.get().name for user in demo_users) == ["editor", "researcher", "reviewer"]


def test_load_seed_command_names_the_undefined_key_of_a_malformed_seed(malformed_folder: Path, db: None) -> None:
    with pytest.raises(CommandError, match="undefined-claim"):
        call_command("load_seed", str(malformed_folder), stdout=StringIO())


def test_seed_malformed_leaves_nothing_half_written(malformed_folder: Path, db: None) -> None:
    before = row_counts()

    with pytest.raises(SeedError, match="undefined-claim"):
        seed_load(malformed_folder)

    assert row_counts() == before


def test_seed_missing_entry_names_the_missing_key(tmp_path: Path, db: None) -> None:
    folder = story_folder(tmp_path, BRIDGE_SEED.replace("    quote: the new bridge would open in March\n", ""))
    before = row_counts()

    with pytest.raises(SeedError, match="Give the quote"):
        seed_load(folder)

    assert row_counts() == before
