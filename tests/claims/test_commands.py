"""The `extract` and `ingest` management commands, run as a developer or a cron job runs them."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from claims.models import Ingestion, Statement
from sources.models import Source

EL_JUNQUITO = settings.BASE_DIR / "fixtures" / "el-junquito"
ARTICLE = EL_JUNQUITO / "el-junquito-bbc.txt"

BRIDGE_STORY = (
    "Bridge budget row\n\n"
    "Mayor Ana Ruiz said the new bridge would open in March.\n\n"
    "“We checked every cable twice,” she said.\n\n"
    "The treasurer denied that the bridge budget had been cut.\n"
)


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def story_file(tmp_path: Path) -> Path:
    path = tmp_path / "bridge.txt"
    path.write_text(BRIDGE_STORY, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The text is empty."),
        (b"  \n\n\t ", "The text is empty."),
        ("Caf\u00e9 owner said the rent had doubled.".encode("latin-1"), "is not UTF-8 text (byte 3 cannot be read)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is not UTF-8 text (byte 0 cannot be read)"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "This looks like a binary file, not the text of a story."),
    ],
    ids=["empty", "white-space", "latin-1", "png", "zip"],
)
@pytest.mark.parametrize("command", ["extract", "ingest"])
@pytest.mark.django_db
def test_file_that_is_not_a_story_is_refused_with_the_reason(
    tmp_path: Path, command: str, content: bytes, message: str
) -> None:
    path = tmp_path / "story.txt"
    path.write_bytes(content)

    with pytest.raises(CommandError) as refused:
        run(command, str(path))

    assert str(path) in str(refused.value)
    assert message in str(refused.value)
    assert Ingestion.objects.count() == 0


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"Cannot read .*nowhere\.txt: No such file or directory"):
        run("extract", str(tmp_path / "nowhere.txt"))


def test_extract_prints_who_said_what(story_file: Path) -> None:
    lines = run("extract", str(story_file)).splitlines()

    assert lines == [
        "Mayor Ana Ruiz [said] → Ana Ruiz (indirect): the new bridge would open in March",
        "she [said] → Ana Ruiz (direct): “We checked every cable twice,”",
        "The treasurer [denied] → treasurer (indirect): that the bridge budget had been cut",
    ]


def test_extract_json_gives_offsets_into_the_file(tmp_path: Path) -> None:
    # Windows line endings and a byte-order-free UTF-8 file: offsets count the file's own characters.
    path = tmp_path / "el-junquito.txt"
    path.write_bytes(ARTICLE.read_bytes().replace(b"\n", b"\r\n"))
    text = path.read_bytes().decode("utf-8")

    lines = run("extract", "--json", str(path)).splitlines()

    records = [json.loads(line) for line in lines]
    assert len(records) >= 15
    for record in records:
        assert text[slice(*record["cue"])] == record["cue_text"]
        assert text[slice(*record["content"])] == record["content_text"]
        if record["source"] is None:
            assert record["source_text"] is None
        else:
            assert text[slice(*record["source"])] == record["source_text"]
        assert record["kind"] in {"direct", "indirect", "mixed"}
    assert sum(record["actor"] is None for record in records) <= 2
    tweeted = next(record for record in records if record["cue_text"] == "tweeted")
    assert (tweeted["actor"], tweeted["actor_kind"], tweeted["channel"]) == ("Diosdado Cabello", "person", "tweet")


@pytest.mark.django_db(transaction=True)
def test_ingest_prints_how_many_statements_it_suggested(story_file: Path) -> None:
    output = run("ingest", str(story_file), "--title", "Council bridge row")

    ingestion = Ingestion.objects.get()
    assert ingestion.status == Ingestion.Status.SUCCEEDED
    assert output.strip() == "“Council bridge row”: 3 statements suggested for review."
    assert Statement.objects.filter(ingestion=ingestion).count() == 3


@pytest.mark.django_db
def test_ingest_into_a_missing_story_is_refused(story_file: Path) -> None:
    with pytest.raises(CommandError, match="No story has the slug “no-such-story”"):
        run("ingest", str(story_file), "--story", "no-such-story")

    assert Ingestion.objects.count() == 0


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("http://", "Give the story's web address, starting with http:// or https://."),
        ("http://127.0.0.1/admin", "failed: The address points to this server itself (127.0.0.1)"),
        ("https://10.0.0.5/story", "failed: The address points to a private network (10.0.0.5)"),
    ],
    ids=["no-host", "loopback", "private-network"],
)
@pytest.mark.django_db(transaction=True)
def test_ingest_of_a_bad_link_is_refused_with_the_reason(address: str, message: str) -> None:
    with pytest.raises(CommandError) as refused:
        run("ingest", address)

    assert message in str(refused.value)
    assert Source.objects.count() == 0
