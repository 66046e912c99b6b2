"""How names and texts are normalised for lookups and for recognising a text already stored."""

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from core.text import canonical_text, content_hash, fold

# No example database: the suite writes nothing into the working tree.
examples = settings(database=None, max_examples=200, deadline=None)

# Letters an editor types in names: plain and accented Latin, digits, spaces and apostrophes.
# The Turkish dotless ı is left out: its upper case is I, whose folded form is i, so no
# locale-free folding can treat it as one letter in both cases.
LATIN = "abcdefghijklmnopqrstuvwxyzàáâãäåçèéêëìíîïñòóôõöùúûüýÿßœø" + "0123456789 '-"
names = st.text(alphabet=LATIN + LATIN.upper(), max_size=40)
# Accents that combine with the preceding letter (grave to caron), as in decomposed text from PDFs.
combining_accents = st.sampled_from([chr(code) for code in range(0x0300, 0x030D)])


@examples
@given(name=st.text(max_size=60))
def test_fold_twice_is_fold_once(name: str) -> None:
    assert fold(fold(name)) == fold(name)


@examples
@given(name=names)
def test_fold_ignores_case(name: str) -> None:
    assert fold(name.upper()) == fold(name.lower()) == fold(name)


@examples
@given(letters=st.lists(st.tuples(st.sampled_from("abcdeinouyACEINOUZ"), combining_accents), max_size=20))
def test_fold_ignores_combining_accents(letters: list[tuple[str, str]]) -> None:
    accented = "".join(letter + accent for letter, accent in letters)
    plain = "".join(letter for letter, _ in letters)

    assert fold(accented) == fold(plain)


@examples
@given(name=names)
def test_fold_same_for_composed_and_decomposed_accents(name: str) -> None:
    assert fold(unicodedata.normalize("NFC", name)) == fold(unicodedata.normalize("NFD", name))


def test_fold_matches_names_typed_differently() -> None:
    assert fold("Mr Pérez") == fold("mr  PEREZ") == "mr perez"
    assert fold("Nicolás Maduro") == fold("NICOLAS MADURO")


def test_fold_makes_typographic_punctuation_plain() -> None:
    assert fold("O’Neill") == fold("O'Neill") == "o'neill"
    assert fold("“Never” – he said") == '"never" - he said'


def test_fold_collapses_white_space_including_non_breaking_spaces() -> None:
    assert fold("  helicopter\u00a0attack \n\t on\u00a0 the court ") == "helicopter attack on the court"


def test_fold_keeps_different_names_apart() -> None:
    assert fold("Pérez") != fold("Peres")


def test_canonical_text_uses_unix_line_endings() -> None:
    assert canonical_text("First line.\r\nSecond line.\rThird line.\n") == "First line.\nSecond line.\nThird line.\n"


def test_canonical_text_composes_accents() -> None:
    assert canonical_text("Pe\u0301rez") == "Pérez"


def test_canonical_text_keeps_case_spacing_and_punctuation() -> None:
    text = "  “They’re  shooting at us,”\u00a0he said.  "

    assert canonical_text(text) == text


@examples
@given(text=st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=80))
def test_canonical_text_twice_is_canonical_text_once(text: str) -> None:
    assert canonical_text(canonical_text(text)) == canonical_text(text)


def test_content_hash_is_a_sha256_hex_digest() -> None:
    digest = content_hash("Venezuelan forces surrounded a house.")

    assert len(digest) == 64
    assert set(digest) <= set("0123456789abcdef")


def test_content_hash_same_for_windows_and_unix_line_endings() -> None:
    assert content_hash("Paragraph one.\r\nParagraph two.") == content_hash("Paragraph one.\nParagraph two.")


def test_content_hash_same_for_composed_and_decomposed_accents() -> None:
    assert content_hash("Pe\u0301rez said") == content_hash("Pérez said")


def test_content_hash_differs_for_a_one_letter_change() -> None:
    assert content_hash("Two police officers were killed.") != content_hash("Two police officers were kilIed.")


@examples
@given(text=st.text(max_size=80))
def test_content_hash_of_a_text_is_that_of_its_canonical_form(text: str) -> None:
    assert content_hash(text) == content_hash(canonical_text(text))
