"""The editors' pages for actors and sources, exercised over HTTP by a signed-in editor."""

import pytest
from django.test import Client
from django.urls import reverse

from claims.models import Claim, Statement, Story
from claims.services import claim_create, statement_record
from sources.models import Actor, ActorAlias, Outlet, Source
from sources.services import actor_create, source_create, source_relay_add
from tests import factories
from tests.admin_pages import page_form, post_page

pytestmark = pytest.mark.django_db


def test_source_page_marks_each_statement_with_its_speaker(editor_client: Client, seed_story: Story) -> None:
    report = Source.objects.get(title__startswith="Venezuela helicopter attack")

    page = editor_client.get(reverse("admin:sources_source_change", args=[report.pk])).content.decode()

    assert '<mark class="attest-accepted" title="Diosdado Cabello">Mr Pérez had opened fire on police</mark>' in page
    assert ">Diosdado Cabello</a>" in page
    assert page.count('class="attest-speaker"') == report.statements.count()


def test_source_text_is_shown_escaped(editor_client: Client) -> None:
    source = factories.SourceFactory(text='The council said <script>alert("x")</script> nothing.')
    claim = claim_create(text="The council said nothing.")
    statement_record(claim=claim, speaker=factories.ActorFactory(), source=source, quote="<script>alert")

    page = editor_client.get(reverse("admin:sources_source_change", args=[source.pk])).content.decode()

    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page


def test_source_text_cannot_be_edited_once_statements_point_into_it(editor_client: Client, seed_story: Story) -> None:
    report = Source.objects.get(title__startswith="Venezuela helicopter attack")
    video = Source.objects.get(kind=Source.Kind.VIDEO)

    report_page = editor_client.get(reverse("admin:sources_source_change", args=[report.pk])).content.decode()
    video_page = editor_client.get(reverse("admin:sources_source_change", args=[video.pk])).content.decode()

    assert 'name="text"' not in report_page
    assert 'name="text"' in video_page


def _source_form(**fields: str) -> dict[str, str]:
    form = {
        "title": "Council minutes",
        "kind": "official_document",
        "language": "en",
        "relay_links-TOTAL_FORMS": "0",
        "relay_links-INITIAL_FORMS": "0",
    }
    form.update(fields)
    return form


def test_the_same_text_twice_is_a_form_error(editor_client: Client) -> None:
    existing = source_create(title="Minutes, 3 May", text="The council met at noon.")

    response = editor_client.post(
        reverse("admin:sources_source_add"), _source_form(text="The council met at noon.\r\n")
    )

    assert response.status_code == 200
    assert f"already stored as source #{existing.pk}" in response.content.decode()
    assert Source.objects.count() == 1


def test_actor_search_ignores_accents(editor_client: Client, seed_story: Story) -> None:
    response = editor_client.get(reverse("admin:sources_actor_changelist"), {"q": "nicolas maduro"})

    assert "Nicolás Maduro" in response.content.decode()
    assert "Oscar Pérez" not in response.content.decode()


def test_actor_autocomplete_ignores_accents(editor_client: Client, seed_story: Story) -> None:
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "claims", "model_name": "statement", "field_name": "speaker", "term": "perez"},
    )

    assert [result["text"] for result in response.json()["results"]] == ["Oscar Pérez"]


def test_actor_page_lists_what_they_said_and_their_aliases(editor_client: Client, seed_story: Story) -> None:
    cabello = Actor.objects.get(name="Diosdado Cabello")

    page = editor_client.get(reverse("admin:sources_actor_change", args=[cabello.pk])).content.decode()

    assert "Oscar Pérez opened fire on police at El Junquito." in page
    assert "tweeted “Mr Pérez had opened fire on police”" in page
    assert 'value="Mr Cabello"' in page


def _actor_form(actor: Actor, *aliases: ActorAlias, new_aliases: tuple[str, ...] = ()) -> dict[str, str]:
    form = {
        "name": actor.name,
        "kind": actor.kind,
        "description": actor.description,
        "aliases-TOTAL_FORMS": str(len(aliases) + len(new_aliases)),
        "aliases-INITIAL_FORMS": str(len(aliases)),
    }
    for index, alias in enumerate(aliases):
        form[f"aliases-{index}-id"] = str(alias.pk)
        form[f"aliases-{index}-actor"] = str(actor.pk)
        form[f"aliases-{index}-name"] = alias.name
    for index, name in enumerate(new_aliases, start=len(aliases)):
        form[f"aliases-{index}-actor"] = str(actor.pk)
        form[f"aliases-{index}-name"] = name
    return form


def test_an_alias_the_actor_already_has_is_a_form_error(editor_client: Client) -> None:
    actor = actor_create(name="Oscar Pérez", aliases=["Mr Pérez"])
    aliases = tuple(actor.aliases.order_by("pk"))

    response = editor_client.post(
        reverse("admin:sources_actor_change", args=[actor.pk]), _actor_form(actor, *aliases, new_aliases=("MR PÉREZ",))
    )

    assert response.status_code == 200
    assert "“Mr Pérez” is already an alias of this actor." in response.content.decode()
    assert actor.aliases.count() == 2


def test_an_accent_variant_is_a_separate_alias(editor_client: Client) -> None:
    actor = actor_create(name="Oscar Pérez", aliases=["Mr Pérez"])
    aliases = tuple(actor.aliases.order_by("pk"))

    response = editor_client.post(
        reverse("admin:sources_actor_change", args=[actor.pk]), _actor_form(actor, *aliases, new_aliases=("Mr Perez",))
    )

    assert response.status_code == 302
    assert sorted(actor.aliases.values_list("name", flat=True)) == ["Mr Perez", "Mr Pérez", "Oscar Pérez"]


def test_merge_action_moves_aliases_and_statements(editor_client: Client, seed_story: Story) -> None:
    perez = Actor.objects.get(name="Oscar Pérez")
    duplicate = actor_create(name="O. Perez", aliases=["Captain Pérez"])
    report = Source.objects.get(title__startswith="Venezuela helicopter attack")
    claim = Claim.objects.get(text__startswith="Oscar Pérez has no confirmed links")
    statement_record(claim=claim, speaker=duplicate, source=report, quote="he has claimed", cue="claimed")
    statements_before = Statement.objects.count()
    url = reverse("admin:sources_actor_changelist")

    confirmation = editor_client.post(url, {"action": "merge_actors", "_selected_action": [perez.pk, duplicate.pk]})
    editor_client.post(
        url,
        {"action": "merge_actors", "_selected_action": [perez.pk, duplicate.pk], "keep": perez.pk, "confirm": "yes"},
    )

    assert "Choose the actor to keep" in confirmation.content.decode()
    assert not Actor.objects.filter(pk=duplicate.pk).exists()
    assert Statement.objects.count() == statements_before
    assert perez.statements.filter(quote="he has claimed").exists()
    assert {"O. Perez", "Captain Pérez"} <= set(perez.aliases.values_list("name", flat=True))


def test_merge_is_only_offered_to_those_who_may_delete(client: Client, researcher, seed_story: Story) -> None:  # type: ignore[no-untyped-def]
    client.force_login(researcher)

    page = client.get(reverse("admin:sources_actor_changelist")).content.decode()

    assert "merge_actors" not in page


def test_outlet_domain_is_stored_as_a_bare_host(editor_client: Client) -> None:
    response = editor_client.post(
        reverse("admin:sources_outlet_add"),
        {"name": "BBC News", "kind": "broadcaster", "home_domain": "https://www.BBC.co.uk/news"},
    )

    assert response.status_code == 302
    assert Outlet.objects.get(name="BBC News").home_domain == "www.bbc.co.uk"


def test_relaying_an_original_source_from_the_source_page(editor_client: Client, editor) -> None:  # type: ignore[no-untyped-def]
    article = source_create(title="Siege report", text="Cabello tweeted that the pilot fired first.")
    tweet = source_create(title="Cabello's tweet", kind=Source.Kind.SOCIAL_POST)
    form = _source_form(title=article.title, kind=article.kind, language="en", text=article.text)
    form.update({"relay_links-TOTAL_FORMS": "1", "relay_links-0-original_source": str(tweet.pk)})

    response = editor_client.post(reverse("admin:sources_source_change", args=[article.pk]), form)

    assert response.status_code == 302
    relay = article.relay_links.get()
    assert (relay.original_source, relay.created_by) == (tweet, editor)
    article.refresh_from_db()
    assert article.text == "Cabello tweeted that the pilot fired first."


def test_an_alias_renamed_on_the_actors_page_is_saved(editor_client: Client) -> None:
    actor = actor_create(name="Oscar Pérez", aliases=["Mr Perez"])
    url = reverse("admin:sources_actor_change", args=[actor.pk])
    index = page_form(editor_client, url)["aliases-1-name"]
    assert index == ["Oscar Pérez"]  # aliases are listed by name: "Mr Perez", then "Oscar Pérez"

    response = post_page(editor_client, url, **{"aliases-0-name": "Mr Pérez"})

    assert response.status_code == 302
    assert sorted(actor.aliases.values_list("name", flat=True)) == ["Mr Pérez", "Oscar Pérez"]
    assert actor.aliases.get(name="Mr Pérez").folded == "mr perez"


def test_an_alias_removed_on_the_actors_page_is_removed(editor_client: Client) -> None:
    actor = actor_create(name="Oscar Pérez", aliases=["Mr Perez"])

    response = post_page(
        editor_client, reverse("admin:sources_actor_change", args=[actor.pk]), **{"aliases-0-DELETE": "on"}
    )

    assert response.status_code == 302
    assert list(actor.aliases.values_list("name", flat=True)) == ["Oscar Pérez"]


@pytest.fixture
def relaying(db: None) -> tuple[Source, Source]:
    """An article, and the tweet it relays."""
    article = source_create(title="Siege report", text="Cabello tweeted that the pilot fired first.")
    tweet = source_create(title="Cabello's tweet", kind=Source.Kind.SOCIAL_POST)
    source_relay_add(source=article, original=tweet)
    return article, tweet


def test_a_relay_changed_on_the_source_page_is_saved(editor_client: Client, relaying: tuple[Source, Source]) -> None:
    article, _ = relaying
    video = source_create(title="Pérez's video", kind=Source.Kind.VIDEO)
    url = reverse("admin:sources_source_change", args=[article.pk])

    response = post_page(editor_client, url, **{"relay_links-0-original_source": str(video.pk)})

    assert response.status_code == 302
    assert [relay.original_source for relay in article.relay_links.all()] == [video]


def test_a_source_relaying_itself_is_a_form_error(editor_client: Client, relaying: tuple[Source, Source]) -> None:
    article, tweet = relaying
    url = reverse("admin:sources_source_change", args=[article.pk])

    response = post_page(editor_client, url, **{"relay_links-0-original_source": str(article.pk)})

    assert response.status_code == 200
    assert "A source cannot relay itself." in response.content.decode()
    assert [relay.original_source for relay in article.relay_links.all()] == [tweet]
