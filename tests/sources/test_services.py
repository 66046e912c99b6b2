"""Outlets, actors, aliases and sources: the services refuse bad data with a message an editor can act on,
and the database refuses it even when the services are bypassed."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from claims.services import statement_record
from core.text import content_hash, fold
from sources.models import Actor, ActorAlias, Outlet, Source, SourceRelay
from sources.services import (
    actor_alias_add,
    actor_create,
    actor_update,
    outlet_create,
    outlet_update,
    source_create,
    source_record,
    source_relay_add,
    source_update,
)
from tests import factories

REPORT = "Venezuelan forces surrounded a house in the town of El Junquito.\nFive people were arrested."


@pytest.fixture
def bbc(db: None) -> Outlet:
    return factories.OutletFactory(name="BBC News", home_domain="bbc.co.uk")


@pytest.fixture
def perez(db: None) -> Actor:
    return factories.ActorFactory(name="Oscar Pérez", aliases=["Mr Perez"])


@pytest.fixture
def report(bbc: Outlet) -> Source:
    return factories.SourceFactory(title="Pilot Oscar Pérez in bloody siege", outlet=bbc, text=REPORT)


def messages(error: ValidationError, field: str) -> str:
    return " ".join(error.message_dict.get(field, []))


# Outlets


def test_outlet_home_domain_stored_as_bare_lowercase_host(db: None) -> None:
    outlet = outlet_create(name="BBC", home_domain="https://www.BBC.co.uk/news")

    outlet.refresh_from_db()
    assert outlet.home_domain == "www.bbc.co.uk"


def test_outlet_home_domain_blank_stored_as_none_so_many_outlets_can_lack_one(db: None) -> None:
    first = outlet_create(name="Pamphlet one", home_domain="")
    second = outlet_create(name="Pamphlet two", home_domain="")

    assert first.home_domain is None
    assert second.home_domain is None


def test_outlet_home_domain_taken_by_another_outlet_refused(bbc: Outlet) -> None:
    with pytest.raises(ValidationError) as refused:
        outlet_create(name="BBC Mundo", home_domain="https://BBC.co.uk/mundo")

    assert "already exists" in messages(refused.value, "home_domain")


def test_outlet_home_domain_written_as_url_refused_by_database(db: None) -> None:
    with pytest.raises(IntegrityError, match="outlet_home_domain_is_lowercase_host"), transaction.atomic():
        Outlet.objects.create(name="BBC", home_domain="https://www.BBC.co.uk/news")


def test_outlet_reliability_outside_1_to_5_refused(db: None) -> None:
    with pytest.raises(ValidationError) as refused:
        outlet_create(name="Rumour Mill", reliability=9)

    assert "not a valid choice" in messages(refused.value, "reliability")


def test_outlet_reliability_outside_1_to_5_refused_by_database(db: None) -> None:
    with pytest.raises(IntegrityError, match="outlet_reliability_1_to_5"), transaction.atomic():
        Outlet.objects.create(name="Rumour Mill", reliability=9)


def test_outlet_owning_itself_refused(bbc: Outlet) -> None:
    with pytest.raises(ValidationError) as refused:
        outlet_update(outlet=bbc, owner=bbc)

    assert "owned, directly or not, by itself" in messages(refused.value, "owner")


def test_outlet_owning_itself_refused_by_database(bbc: Outlet) -> None:
    with pytest.raises(IntegrityError, match="outlet_not_own_owner"), transaction.atomic():
        Outlet.objects.filter(pk=bbc.pk).update(owner=bbc)


def test_outlet_ownership_cycle_refused(db: None) -> None:
    group = factories.OutletFactory(name="Media Group")
    paper = factories.OutletFactory(name="Evening Paper", owner=group)

    with pytest.raises(ValidationError) as refused:
        outlet_update(outlet=group, owner=paper)

    assert "owned, directly or not, by itself" in messages(refused.value, "owner")
    group.refresh_from_db()
    assert group.owner is None


def test_outlet_owned_by_another_outlet_accepted(db: None) -> None:
    group = factories.OutletFactory(name="Media Group")
    paper = factories.OutletFactory(name="Evening Paper", owner=group)

    assert list(group.owned_outlets.all()) == [paper]


# Actors and aliases


def test_actor_name_and_aliases_become_lookup_aliases(perez: Actor) -> None:
    assert sorted(perez.aliases.values_list("name", flat=True)) == ["Mr Perez", "Oscar Pérez"]


def test_actor_alias_differing_only_in_case_refused(perez: Actor) -> None:
    with pytest.raises(ValidationError) as refused:
        actor_alias_add(actor=perez, name="mr  PEREZ")

    assert "“Mr Perez” is already an alias" in messages(refused.value, "name")
    assert perez.aliases.count() == 2


def test_actor_alias_spelling_variant_with_accents_kept_as_written(perez: Actor) -> None:
    # "Mr Pérez" and "Mr Perez" are both kept, as reports spell them; lookups fold them alike.
    alias = actor_alias_add(actor=perez, name="Mr Pérez")

    assert alias.folded == fold("Mr Perez")
    assert sorted(perez.aliases.values_list("name", flat=True)) == ["Mr Perez", "Mr Pérez", "Oscar Pérez"]


def test_actor_alias_differing_only_in_case_refused_by_database(perez: Actor) -> None:
    with pytest.raises(IntegrityError, match="alias_unique_per_actor"), transaction.atomic():
        ActorAlias.objects.create(actor=perez, name="MR PEREZ", folded=fold("MR PEREZ"))


def test_actor_alias_shared_by_two_actors_accepted(perez: Actor) -> None:
    namesake = factories.ActorFactory(name="Oscar Pérez Díaz")

    alias = actor_alias_add(actor=namesake, name="Mr Pérez")

    assert alias.folded == "mr perez"
    assert ActorAlias.objects.filter(folded="mr perez").count() == 2


def test_actor_alias_white_space_collapsed(perez: Actor) -> None:
    alias = actor_alias_add(actor=perez, name="  the   pilot ")

    assert alias.name == "the pilot"


def test_actor_alias_without_letters_or_digits_refused(perez: Actor) -> None:
    # The service promises "at least one letter or digit"; punctuation alone names nobody.
    with pytest.raises(ValidationError) as refused:
        actor_alias_add(actor=perez, name="--")

    assert "letter or digit" in messages(refused.value, "name")


def test_actor_alias_empty_refused_by_database(perez: Actor) -> None:
    with pytest.raises(IntegrityError, match="alias_not_empty"), transaction.atomic():
        ActorAlias.objects.create(actor=perez, name=" ", folded="")


def test_actor_renamed_keeps_old_name_as_alias(perez: Actor) -> None:
    actor_update(actor=perez, name="Óscar Alberto Pérez")

    assert {"Oscar Pérez", "Óscar Alberto Pérez"} <= set(perez.aliases.values_list("name", flat=True))


def test_actor_affiliated_with_itself_refused(perez: Actor) -> None:
    with pytest.raises(ValidationError) as refused:
        actor_update(actor=perez, affiliation=perez)

    assert "affiliated, directly or not, with itself" in messages(refused.value, "affiliation")


def test_actor_affiliation_cycle_refused(db: None) -> None:
    government = factories.ActorFactory(name="Venezuelan government", kind=Actor.Kind.GOVERNMENT_BODY)
    minister = factories.ActorFactory(name="Diosdado Cabello", affiliation=government)

    with pytest.raises(ValidationError) as refused:
        actor_update(actor=government, affiliation=minister)

    assert "affiliation" in refused.value.message_dict


def test_actor_affiliated_with_itself_refused_by_database(perez: Actor) -> None:
    with pytest.raises(IntegrityError, match="actor_not_own_affiliation"), transaction.atomic():
        Actor.objects.filter(pk=perez.pk).update(affiliation=perez)


def test_actor_wikidata_id_normalised_to_upper_case(db: None) -> None:
    actor = actor_create(name="Nicolás Maduro", wikidata_id=" q57413 ")

    assert actor.wikidata_id == "Q57413"


def test_actor_wikidata_id_in_wrong_format_refused_on_its_field(db: None) -> None:
    with pytest.raises(ValidationError) as refused:
        actor_create(name="Nicolás Maduro", wikidata_id="57413")

    assert "wikidata_id" in refused.value.message_dict


def test_actor_wikidata_id_in_wrong_format_refused_by_database(db: None) -> None:
    with pytest.raises(IntegrityError, match="actor_wikidata_id_format"), transaction.atomic():
        Actor.objects.create(name="Nicolás Maduro", wikidata_id="57413")


def test_actor_wikidata_id_of_another_actor_refused(db: None) -> None:
    actor_create(name="Nicolás Maduro", wikidata_id="Q57413")

    with pytest.raises(ValidationError) as refused:
        actor_create(name="President Maduro", wikidata_id="Q57413")

    assert "already exists" in messages(refused.value, "wikidata_id")


# Sources


def test_source_text_stored_with_hash_of_its_canonical_form(bbc: Outlet) -> None:
    source = source_create(title="Siege report", outlet=bbc, text="Line one.\r\nLine two.")

    source.refresh_from_db()
    assert source.text == "Line one.\nLine two."
    assert source.content_hash == content_hash("Line one.\nLine two.")


def test_source_without_text_has_no_hash(db: None) -> None:
    source = source_create(title="Cabello's tweet", kind=Source.Kind.SOCIAL_POST, text="   ")

    assert source.text == ""
    assert source.content_hash is None


def test_source_identical_text_stored_twice_refused(report: Source) -> None:
    with pytest.raises(ValidationError) as refused:
        source_create(title="The same report, syndicated", text=REPORT)

    assert f"already stored as source #{report.pk}" in messages(refused.value, "text")


def test_source_identical_text_with_windows_line_endings_refused(report: Source) -> None:
    with pytest.raises(ValidationError) as refused:
        source_create(title="The same report, pasted from Word", text=REPORT.replace("\n", "\r\n"))

    assert f"already stored as source #{report.pk}" in messages(refused.value, "text")


def test_source_identical_text_refused_by_database(report: Source) -> None:
    with pytest.raises(IntegrityError, match="content_hash"), transaction.atomic():
        Source.objects.create(title="The same report", text=REPORT, content_hash=content_hash(REPORT))


def test_source_text_without_its_hash_refused_by_database(db: None) -> None:
    with pytest.raises(IntegrityError, match="source_hash_iff_text"), transaction.atomic():
        Source.objects.create(title="Unhashed report", text=REPORT)


def test_source_duplicate_canonical_url_refused(db: None) -> None:
    url = "https://www.bbc.co.uk/news/world-latin-america-42700000"
    source_create(title="Siege report", url=url)

    with pytest.raises(ValidationError) as refused:
        source_create(title="Siege report, again", url=url)

    assert "already exists" in messages(refused.value, "url")


def test_source_duplicate_canonical_url_refused_by_database(db: None) -> None:
    url = "https://www.bbc.co.uk/news/world-latin-america-42700000"
    source_create(title="Siege report", url=url)

    with pytest.raises(IntegrityError, match="url"), transaction.atomic():
        Source.objects.create(title="Siege report, again", url=url)


def test_source_record_returns_the_stored_source_for_the_same_text(report: Source) -> None:
    found, created = source_record(title="Pasted again", text=REPORT.replace("\n", "\r\n"))

    assert (found, created) == (report, False)
    assert Source.objects.count() == 1


def test_source_record_creates_a_source_for_a_new_text(report: Source) -> None:
    found, created = source_record(title="Follow-up", text="Pérez was killed in the operation.")

    assert created is True
    assert found != report
    assert Source.objects.count() == 2


def test_source_text_editable_while_nothing_points_into_it(report: Source) -> None:
    source_update(source=report, text="A corrected transcript.")

    report.refresh_from_db()
    assert report.text == "A corrected transcript."
    assert report.content_hash == content_hash("A corrected transcript.")


def test_source_text_frozen_once_a_statement_points_into_it(report: Source, perez: Actor) -> None:
    claim = factories.ClaimFactory(text="Five people were arrested at El Junquito.")
    statement_record(claim=claim, speaker=perez, source=report, quote="Five people were arrested")

    with pytest.raises(ValidationError) as refused:
        source_update(source=report, text="Six people were arrested.")

    assert "text cannot change" in messages(refused.value, "text")
    report.refresh_from_db()
    assert report.text == REPORT


def test_source_text_frozen_once_a_statement_points_into_it_even_for_raw_update(report: Source, perez: Actor) -> None:
    claim = factories.ClaimFactory(text="Five people were arrested at El Junquito.")
    statement_record(claim=claim, speaker=perez, source=report, quote="Five people were arrested")

    with pytest.raises(IntegrityError, match="cannot change"), transaction.atomic():
        Source.objects.filter(pk=report.pk).update(text=REPORT.replace("Five", "Nine"))


def test_source_metadata_editable_after_statements_point_into_it(report: Source, perez: Actor) -> None:
    claim = factories.ClaimFactory(text="Five people were arrested at El Junquito.")
    statement_record(claim=claim, speaker=perez, source=report, quote="Five people were arrested")

    source_update(source=report, title="Venezuela helicopter attack: Pilot Oscar Pérez in bloody siege")

    report.refresh_from_db()
    assert report.title.startswith("Venezuela helicopter attack")


def test_source_language_tag_in_wrong_format_refused_by_database(db: None) -> None:
    with pytest.raises(IntegrityError, match="source_language_tag"), transaction.atomic():
        Source.objects.create(title="Tweet", language="Spanish")


# Relays


def test_source_relays_recorded_on_creation(db: None) -> None:
    tweet = factories.SourceFactory(title="Cabello's tweet", kind=Source.Kind.SOCIAL_POST, text="")
    video = factories.SourceFactory(title="Pérez's video", kind=Source.Kind.VIDEO, text="")

    article = source_create(title="Siege report", text=REPORT, relays=[tweet, video])

    assert set(article.relays.all()) == {tweet, video}
    assert list(tweet.relayed_by.all()) == [article]


def test_source_relay_recorded_twice_stored_once(report: Source) -> None:
    tweet = factories.SourceFactory(title="Cabello's tweet", kind=Source.Kind.SOCIAL_POST, text="")

    first = source_relay_add(source=report, original=tweet)
    second = source_relay_add(source=report, original=tweet)

    assert first == second
    assert SourceRelay.objects.count() == 1


def test_source_relaying_itself_refused(report: Source) -> None:
    with pytest.raises(ValidationError) as refused:
        source_relay_add(source=report, original=report)

    assert "cannot relay itself" in messages(refused.value, "original_source")


def test_source_relaying_itself_refused_by_database(report: Source) -> None:
    with pytest.raises(IntegrityError, match="relay_not_itself"), transaction.atomic():
        SourceRelay.objects.create(relaying_source=report, original_source=report)


def test_source_relay_duplicate_refused_by_database(report: Source) -> None:
    tweet = factories.SourceFactory(title="Cabello's tweet", kind=Source.Kind.SOCIAL_POST, text="")
    source_relay_add(source=report, original=tweet)

    with pytest.raises(IntegrityError, match="relay_unique_pair"), transaction.atomic():
        SourceRelay.objects.bulk_create([SourceRelay(relaying_source=report, original_source=tweet)])
