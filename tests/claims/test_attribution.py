"""Who said what in a text: attributions as character spans, with speakers resolved within the text.

The extractor reads a text and nothing else, so these tests need no database.
"""

from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pytest_django.fixtures import Settings

import claims.attribution
from claims.attribution import Attribution, ExtractionUnavailable, extract_attributions
from core.text import fold

EL_JUNQUITO = settings.BASE_DIR / "fixtures" / "el-junquito"
# The BBC's own narration: no cue says "the BBC reports", so extraction cannot find it.
NARRATOR = "bbc"


def words(text: str, span: tuple[int, int] | None) -> str | None:
    return text[span[0] : span[1]] if span else None


def described(attribution: Attribution, text: str) -> str:
    return (
        f"{attribution.speaker or '(nobody)'} [{words(text, attribution.cue)}] {attribution.kind}: "
        f"{words(text, attribution.content)!r}"
    )


def attribution_of(text: str, content: str) -> Attribution:
    """The one attribution whose content holds `content`."""
    found = [a for a in extract_attributions(text) if content in text[a.content[0] : a.content[1]]]
    assert len(found) == 1, f"{len(found)} attributions hold {content!r}: " + "; ".join(
        described(a, text) for a in extract_attributions(text)
    )
    return found[0]


# --- The seed story ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((EL_JUNQUITO / "seed.yaml").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def article() -> str:
    return (EL_JUNQUITO / "el-junquito-bbc.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def article_attributions(article: str) -> list[Attribution]:
    return extract_attributions(article)


def actors_named(speaker: str | None, actors: list[dict[str, Any]]) -> list[str]:
    """The keys of the seed actors a resolved speaker refers to, found as the ingestion finds them:
    by a folded name or alias, as given and then with "the" before it."""
    if not speaker:
        return []
    for form in (speaker, f"the {speaker}"):
        keys = [
            actor["key"]
            for actor in actors
            if fold(form) in {fold(name) for name in (actor["name"], *actor.get("aliases", []))}
        ]
        if keys:
            return keys
    return []


def test_the_seed_fixture_spans_match_its_article(seed: dict[str, Any], article: str) -> None:
    wrong = [
        f"{statement['span']}: {statement['quote']!r} != {article[slice(*statement['span'])]!r}"
        for statement in seed["statements"]
        if article[slice(*statement["span"])] != statement["quote"]
    ]

    assert not wrong, "\n".join(wrong)


def test_every_statement_of_the_seed_story_is_found_with_its_speaker(
    seed: dict[str, Any], article: str, article_attributions: list[Attribution]
) -> None:
    actors = seed["actors"]
    names = {actor["key"]: actor["name"] for actor in actors}
    missing = []
    for statement in seed["statements"]:
        if statement["speaker"] == NARRATOR:
            continue
        start, end = statement["span"]
        overlapping = [a for a in article_attributions if a.content[0] < end and start < a.content[1]]
        if not any(actors_named(a.speaker, actors) == [statement["speaker"]] for a in overlapping):
            found = "; ".join(described(a, article) for a in overlapping) or "no attribution overlaps it"
            missing.append(
                f"- {names[statement['speaker']]} [{statement['cue']}] {statement['quote']!r} at {statement['span']}"
                f" (found: {found})"
            )

    assert not missing, "Statements of the seed story not found with their speaker:\n" + "\n".join(missing)


def test_no_speaker_is_invented_in_the_seed_article(
    seed: dict[str, Any], article: str, article_attributions: list[Attribution]
) -> None:
    unknown = [
        described(a, article)
        for a in article_attributions
        if a.speaker is not None and len(actors_named(a.speaker, seed["actors"])) != 1
    ]

    assert not unknown, "Speakers that are no one actor of the seed story:\n" + "\n".join(unknown)


def test_few_attributions_in_the_seed_article_have_no_speaker(
    article: str, article_attributions: list[Attribution]
) -> None:
    nobody = [described(a, article) for a in article_attributions if a.speaker is None]

    assert len(nobody) <= 2, "Attributions with no speaker:\n" + "\n".join(nobody)


# --- Who is speaking -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "content", "speaker", "speaker_kind"),
    [
        pytest.param(
            "Pilot Oscar Pérez led the rebellion.\n\n"
            "Mr Perez said the police had fired first. “We want to surrender,” he said.",
            "We want to surrender",
            "Oscar Pérez",
            "person",
            id="he-after-a-short-form",
        ),
        pytest.param(
            "Pilot Oscar Pérez led the rebellion.\n\nMr Perez said the police had fired first.",
            "the police had fired first",
            "Oscar Pérez",
            "person",
            id="title-and-short-form-without-accent",
        ),
        pytest.param(
            "Sarah Jones said the bridge would open in March. She also said the budget was fine.",
            "the budget was fine",
            "Sarah Jones",
            "person",
            id="she",
        ),
        pytest.param(
            "President Nicolás Maduro declared him a terrorist.",
            "him a terrorist",
            "Nicolás Maduro",
            "person",
            id="title-dropped",
        ),
        pytest.param(
            "President Nicolás Maduro spoke on Monday. Maduro said the country was calm.",
            "the country was calm",
            "Nicolás Maduro",
            "person",
            id="surname-after-full-name",
        ),
        pytest.param(
            "The Ministry of Health said the clinic was closed. It said the staff had left.",
            "the staff had left",
            "Ministry of Health",
            "organisation",
            id="it-is-the-organisation-speaking-before",
        ),
        pytest.param(
            "The protesters said the vote had been rigged. They added that they would march again.",
            "they would march again",
            "protesters",
            "group",
            id="they-is-the-group-speaking-before",
        ),
        pytest.param(
            "Two officers have been killed, officials say.",
            "Two officers have been killed",
            "officials",
            "group",
            id="officials-say",
        ),
        pytest.param(
            "The authorities said they had arrested five people.",
            "they had arrested five people",
            "authorities",
            "group",
            id="the-authorities-said",
        ),
        pytest.param(
            "Critics say the plan is too expensive.", "the plan is too expensive", "Critics", "group", id="critics"
        ),
    ],
)
def test_speaker_is_resolved_within_the_text(text: str, content: str, speaker: str, speaker_kind: str) -> None:
    attribution = attribution_of(text, content)

    assert (attribution.speaker, attribution.speaker_kind) == (speaker, speaker_kind)


def test_pronoun_without_anyone_named_before_has_no_speaker() -> None:
    attribution = attribution_of("“We can’t afford this,” he said.", "afford")

    assert attribution.speaker is None
    assert attribution.speaker_kind == "person"


def test_pronoun_refers_to_the_speaker_not_the_person_spoken_about() -> None:
    attribution = attribution_of("Trump said Clinton lied. He added that the polls were wrong.", "polls")

    assert attribution.speaker == "Trump"


def test_pronoun_refers_to_a_person_named_in_a_sentence_without_a_cue() -> None:
    attribution = attribution_of("Ana Ruiz chairs the council.\n\n“We can’t afford this,” she said.", "afford")

    assert attribution.speaker == "Ana Ruiz"


@pytest.mark.parametrize(
    "text",
    [
        "The council met in London. Ana Ruiz said the bridge was safe.",
        "Bridge to open in March\n\nMayor Ana Ruiz said the bridge was safe.",
    ],
    ids=["after-a-sentence-ending-in-a-name", "after-a-headline-ending-in-a-name"],
)
def test_speaker_name_stops_at_the_end_of_the_sentence_before(text: str) -> None:
    assert attribution_of(text, "the bridge was safe").speaker == "Ana Ruiz"


@pytest.mark.parametrize(
    ("text", "speaker", "description"),
    [
        (
            "Opposition lawmaker Delsa Solórzano said the vote had been rigged.",
            "Delsa Solórzano",
            "opposition lawmaker",
        ),
        (
            "Venezuela's interior minister, Néstor Reverol, said the group had opened fire first.",
            "Néstor Reverol",
            "Venezuela's interior minister",
        ),
        ("Interior Minister Gustavo Herrera said the port was open.", "Gustavo Herrera", "Interior Minister"),
        ("His mother Rosa Lima said the boy was at home.", "Rosa Lima", None),
        (
            "The plant opened in March. Its chief executive, Tomás Aranda, said it would hire 300 people.",
            "Tomás Aranda",
            None,
        ),
        (
            "Pedro Lima was arrested on Tuesday. His mother, Rosa Lima, told reporters he had been at home.",
            "Rosa Lima",
            "Pedro Lima’s mother",
        ),
    ],
    ids=["role-before", "apposition-after-role", "title", "kin-without-comma", "its-role", "kin-named"],
)
def test_a_descriptor_is_no_part_of_the_speakers_name(text: str, speaker: str, description: str | None) -> None:
    [attribution] = extract_attributions(text)

    assert attribution.speaker == speaker
    assert attribution.speaker_description == description


def test_a_role_the_text_gave_someone_is_that_person_later() -> None:
    text = (
        "Venezuela's interior minister, Néstor Reverol, said the group had opened fire first. "
        "Reverol said two officers died. The minister said the bodies would be returned.\n\n"
        "Minera Norte, the mine's operator, said the tunnel was sealed. "
        "The mine's operator said rescue teams were on site.\n\n"
        "The National Water Authority said it had opened the spillway. "
        "The authority said the towns had been alerted early."
    )

    speakers = [(attribution.speaker, attribution.speaker_kind) for attribution in extract_attributions(text)]

    assert speakers == [
        ("Néstor Reverol", "person"),
        ("Néstor Reverol", "person"),
        ("Néstor Reverol", "person"),
        ("Minera Norte", "organisation"),
        ("Minera Norte", "organisation"),
        ("National Water Authority", "organisation"),
        ("National Water Authority", "organisation"),
    ]


def test_an_operator_the_text_does_not_name_is_an_organisation_by_that_description() -> None:
    [attribution] = extract_attributions("The mine's operator said the tunnel was sealed.")

    assert (attribution.speaker, attribution.speaker_kind) == ("mine's operator", "organisation")


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("Reporters spoke to the governor, who said the dam was safe.", "governor"),
        ("The halt was confirmed by Deputy Minister Lucía Ferrer, who said inspectors would stay.", "Lucía Ferrer"),
        ("It was the Water Authority that said the dam was safe.", "Water Authority"),
    ],
)
def test_a_relative_pronoun_speaks_for_its_antecedent(text: str, speaker: str) -> None:
    spoken = [attribution.speaker for attribution in extract_attributions(text)]

    assert speaker in spoken
    assert not {"who", "which", "that"} & {fold(name or "") for name in spoken}


# --- The shapes reporting language takes ---------------------------------------------------------


def test_inverted_direct_quote() -> None:
    text = "Ana Ruiz chairs the council. Ana Ruiz said the budget was gone.\n\n“We can’t afford this,” she said."

    attribution = attribution_of(text, "afford")

    assert words(text, attribution.content) == "“We can’t afford this,”"
    assert words(text, attribution.source) == "she"
    assert words(text, attribution.cue) == "said"
    assert (attribution.kind, attribution.speaker) == ("direct", "Ana Ruiz")


def test_quotation_of_several_sentences_attributed_after_it() -> None:
    text = "Jane Smith is the mayor.\n\n“We can’t afford this. The budget is gone. Nobody told us,” Ms Smith said."

    attribution = attribution_of(text, "afford")

    assert words(text, attribution.content) == "“We can’t afford this. The budget is gone. Nobody told us,”"
    assert (attribution.kind, attribution.speaker) == ("direct", "Jane Smith")


def test_quotation_split_by_its_attribution_is_one_content() -> None:
    text = "“The bridge is safe,” Mayor Ana Ruiz said. “We checked it twice.”"

    [attribution] = extract_attributions(text)

    assert attribution.content == (0, len(text))
    assert words(text, attribution.source) == "Mayor Ana Ruiz"
    assert (attribution.kind, attribution.speaker) == ("direct", "Ana Ruiz")


@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("According to the police, the driver was drunk.", "the driver was drunk."),
        ("The driver was drunk, according to the police.", "The driver was drunk"),
    ],
    ids=["before", "after"],
)
def test_according_to(text: str, content: str) -> None:
    [attribution] = extract_attributions(text)

    assert words(text, attribution.content) == content
    assert fold(words(text, attribution.cue) or "") == "according to"
    assert words(text, attribution.source) == "the police"
    assert (attribution.speaker, attribution.speaker_kind) == ("police", "group")


def test_cue_with_a_colon_before_the_quote() -> None:
    text = "Ana Ruiz said: “The bridge is safe. We checked it twice.”"

    [attribution] = extract_attributions(text)

    assert words(text, attribution.cue) == "said:"
    assert words(text, attribution.content) == "“The bridge is safe. We checked it twice.”"
    assert attribution.kind == "direct"


def test_participle_continuing_the_sentence_has_an_implied_source() -> None:
    text = "Ana Ruiz described the bridge as unsafe, adding: “Nobody should cross it.”"

    attribution = attribution_of(text, "Nobody should cross it")

    assert attribution.source is None
    assert words(text, attribution.cue) == "adding:"
    assert words(text, attribution.content) == "“Nobody should cross it.”"
    assert (attribution.speaker, attribution.kind) == ("Ana Ruiz", "direct")


@pytest.mark.parametrize(
    ("text", "cue", "content"),
    [
        ("The mayor accused him of stealing the funds.", "accused", "him of stealing the funds"),
        ("The mayor urged them not to cross the bridge.", "urged", "them not to cross the bridge"),
    ],
)
def test_cue_with_an_object_and_what_was_said(text: str, cue: str, content: str) -> None:
    [attribution] = extract_attributions(text)

    assert words(text, attribution.cue) == cue
    assert words(text, attribution.content) == content
    assert words(text, attribution.source) == "The mayor"
    assert attribution.kind == "indirect"


def test_headline_naming_its_speaker_before_a_colon() -> None:
    text = "Ana Ruiz: The bridge will open in March\n\nThe council met on Tuesday."

    [attribution] = extract_attributions(text)

    assert words(text, attribution.source) == "Ana Ruiz"
    assert words(text, attribution.content) == "The bridge will open in March"
    assert (attribution.speaker, attribution.speaker_kind) == ("Ana Ruiz", "person")


def test_headline_label_is_not_a_speaker() -> None:
    assert extract_attributions("UPDATE: The bridge has reopened\n\nThe council met on Tuesday.") == []


@pytest.mark.parametrize(
    ("text", "content", "kind"),
    [
        ("Ana Ruiz said the bridge was safe.", "the bridge was safe", "indirect"),
        ("“The bridge is safe,” Ana Ruiz said.", "“The bridge is safe,”", "direct"),
        (
            "Ana Ruiz said the officers were forced to “crouch down” during the raid.",
            "the officers were forced to “crouch down” during the raid",
            "mixed",
        ),
    ],
)
def test_kind_says_how_much_is_quoted(text: str, content: str, kind: str) -> None:
    [attribution] = extract_attributions(text)

    assert words(text, attribution.content) == content
    assert attribution.kind == kind


def test_tweeted_that_is_a_tweet() -> None:
    text = "Diosdado Cabello tweeted that Mr Pérez had opened fire on police."

    [attribution] = extract_attributions(text)

    assert words(text, attribution.content) == "that Mr Pérez had opened fire on police"
    assert (attribution.speaker, attribution.channel) == ("Diosdado Cabello", "tweet")


def test_footage_channel_is_carried_to_the_same_speakers_following_quotes() -> None:
    text = (
        "In footage posted on social media, Oscar Pérez said he had offered to surrender.\n\n"
        "“They are shooting at us,” he said.\n\n"
        "Tom Reyes said the house was empty."
    )

    channels = [(a.speaker, a.channel) for a in extract_attributions(text)]

    assert channels == [("Oscar Pérez", "video"), ("Oscar Pérez", "video"), ("Tom Reyes", None)]


def test_plain_statement_has_no_channel() -> None:
    [attribution] = extract_attributions("Ana Ruiz said the bridge was safe.")

    assert attribution.channel is None


# --- Any text ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\n  \n", "The weather was fine. Nothing happened in the town."])
def test_text_without_attributions_gives_none(text: str) -> None:
    assert extract_attributions(text) == []


def assert_within(text: str, attributions: list[Attribution]) -> None:
    for attribution in attributions:
        for span in (attribution.source, attribution.cue, attribution.content):
            if span is not None:
                assert 0 <= span[0] < span[1] <= len(text), f"{span} outside a text of {len(text)}: {attribution}"
        assert text[attribution.content[0] : attribution.content[1]].strip(), f"empty content: {attribution}"


def test_long_story_is_read_whole() -> None:
    people = [("Ana Ruiz", "she"), ("Tom Reyes", "he"), ("Sarah Jones", "she"), ("Oscar Pérez", "he")]
    paragraphs = [
        f"{people[number % 4][0]} said that the bridge would cost {number + 1} million pounds. "
        f"“We will vote on it in week {number + 1},” {people[number % 4][1]} said."
        for number in range(200)
    ]
    text = "\n\n".join(paragraphs)

    attributions = extract_attributions(text)

    assert len(attributions) == 400
    assert_within(text, attributions)
    wrong = [
        described(a, text) for a in attributions if a.speaker != people[text.count("\n\n", 0, a.content[0]) % 4][0]
    ]
    assert not wrong, "\n".join(wrong)


def test_spans_of_the_seed_article_are_within_it(article: str, article_attributions: list[Attribution]) -> None:
    assert_within(article, article_attributions)


REPORTING_WORDS = st.sampled_from(
    [
        "said",
        "says",
        "he",
        "she",
        "they",
        "it",
        "Mr",
        "Pérez",
        "Oscar",
        "officials",
        "according",
        "to",
        "adding:",
        "tweeted",
        "that",
        "accused",
        "him",
        "of",
        "the",
        "“",
        "”",
        '"',
        "''",
        "``",
        ":",
        ",",
        ".",
        "—",
        "\n",
        "\n\n",
        "Ana Ruiz:",
    ]
)


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.text(max_size=120),
        st.lists(REPORTING_WORDS, max_size=30).map(" ".join),
        st.lists(REPORTING_WORDS, max_size=30).map("".join),
    )
)
def test_any_text_is_read_without_error_and_spans_stay_within_it(text: str) -> None:
    assert_within(text, extract_attributions(text))


# --- Where extraction cannot run -----------------------------------------------------------------


@pytest.fixture
def parser_reloaded() -> Iterator[None]:
    # The parser is loaded once per process; each side of the test must load its own.
    claims.attribution._parser.cache_clear()
    yield
    claims.attribution._parser.cache_clear()


@pytest.mark.usefixtures("parser_reloaded")
def test_missing_language_model_is_reported_readably(settings: Settings) -> None:
    settings.ATTEST_SPACY_MODEL = "en_attest_no_such_model"

    with pytest.raises(ExtractionUnavailable) as unavailable:
        extract_attributions("The mayor said the bridge would open in March.")

    assert "The English language model “en_attest_no_such_model” is not installed" in str(unavailable.value)
    assert "requirements-models.txt" in str(unavailable.value)
