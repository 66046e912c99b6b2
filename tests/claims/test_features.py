"""The feature classifier's rules, one case each at least, and what the version of a stored analysis covers.

Like tests/claims/test_relations.py, these read texts only and need no database.
"""

import ast
import importlib.util
from importlib.machinery import ModuleSpec
from pathlib import Path

import pytest

import claims.lexicon
from claims.linking import features, relate_pairs
from claims.linking.features import cache, comparison, parsing
from claims.linking.features.comparison import RULES, pair_of

# Per rule, pairs it holds for: (first, second, the relation judged, what the reviewer reads, if anything).
CASES: dict[str, list[tuple[str, str, str, str]]] = {
    "roles swapped": [
        (
            "Oscar Pérez opened fire on police at El Junquito.",
            "Police opened fire on Oscar Pérez at El Junquito.",
            "contradicts",
            "roles swapped: who opened fire on whom ('Oscar Pérez' → 'police' vs 'Police' → 'Oscar Pérez')",
        )
    ],
    "negation": [
        (
            "The minister resigned on Friday.",
            "The minister did not resign.",
            "contradicts",
            "negation: 'did not resign' vs 'resigned'",
        ),
        ("No man is dancing on the road.", "A man is dancing.", "contradicts", "negation: 'No man' vs 'A man'"),
    ],
    "negation of the same act": [
        (
            "Oscar Pérez's group is not shooting at the police.",
            "Oscar Pérez opened fire on police.",
            "contradicts",
            "negation of the same act: 'is not shooting' vs 'Oscar Pérez opened fire on police' "
            "(to fire is a way to shoot (start firing a weapon))",
        ),
        (
            "The National Water Authority called San Ilario before the release.",
            "Nobody at the National Water Authority telephoned San Ilario.",
            "contradicts",
            "negation of the same act: 'Nobody telephoned San Ilario' vs 'The National Water Authority called San "
            "Ilario' (telephone / call: get or try to get into communication (with someone) by telephone)",
        ),
    ],
    "opposite states": [
        (
            "Two police officers were killed in the operation.",
            "The two police officers are alive.",
            "contradicts",
            "opposite states: 'Two police officers … killed' vs 'The two police officers are alive'",
        )
    ],
    "numbers on the same act": [
        (
            "Six members of the Dockworkers' Federation were arrested in the clearance of the terminal.",
            "Police arrested five people in the clearance of the Puerto Marisol terminal.",
            "contradicts",
            "numbers on the same act: 'Six members' vs 'five people' "
            "(Six members … arrested / Police arrested five people)",
        )
    ],
    "antonyms": [
        ("Unemployment rose in March.", "Unemployment fell in March.", "contradicts", "antonyms: rose vs fell")
    ],
    "numbers differ": [
        (
            "Two officers were killed in the raid.",
            "Three officers were killed in the raid.",
            "contradicts",
            "numbers differ: Two officers vs Three",
        )
    ],
    "dates differ": [
        (
            "The journalist was arrested on Monday.",
            "The journalist was arrested on Tuesday.",
            "contradicts",
            "dates differ: Monday vs Tuesday",
        )
    ],
    "incompatible": [
        ("The suspect is a man.", "The suspect is a woman.", "contradicts", "incompatible: man vs woman"),
        (
            "The attack happened in the morning.",
            "The attack happened at night.",
            "contradicts",
            "incompatible: morning vs night",
        ),
    ],
    "different subjects": [
        (
            "Andina laid off 3,000 workers.",
            "Lakeview laid off 3,000 workers.",
            "contradicts",
            "different subjects: 'Andina' vs 'Lakeview' (laid)",
        )
    ],
    "another word in place": [
        ("A man is dancing on the lawn.", "A man is dancing on the road.", "unrelated", ""),
        # "End" the noun is a goal, not the opposite of "began".
        (
            "The Puerto Marisol dockworkers' strike began on May 1.",
            "The dockworkers struck for a new pay agreement and an end to twelve-hour shifts.",
            "unrelated",
            "",
        ),
    ],
    "denies more": [
        ("No officers were killed in the raid on the prison.", "Officers were killed.", "unrelated", ""),
        ("They do not want us to surrender.", "We want to surrender to the authorities.", "unrelated", ""),
        ("We do not want anyone to be hurt.", "We want to surrender.", "unrelated", ""),
    ],
    "roles exchanged": [("The president praised the mayor.", "The mayor praised the president.", "unrelated", "")],
    "same proposition": [
        (
            "The National Water Authority opened the Los Arcos spillway at 2 a.m. on Saturday.",
            "The National Water Authority opened the Los Arcos spillway in the middle of the night.",
            "corroborates",
            "",
        ),
        (
            "Police fired at the striking dockworkers.",
            "Police fired rubber bullets at the strikers at Puerto Marisol.",
            "corroborates",
            "",
        ),
    ],
    "not a proposition": [
        ("Dead.", "Him dead.", "unrelated", ""),
        ("About 1,200.", "About 400 metres.", "unrelated", ""),
    ],
    "another act": [
        (
            "Two officers were killed in the raid on the prison.",
            "Two officers were injured in the raid on the prison.",
            "unrelated",
            "",
        )
    ],
    "negates the unmentioned": [
        ("There is no evidence that the vote was rigged.", "The vote was rigged.", "unrelated", "")
    ],
}


def test_every_rule_has_a_name_a_reason_and_a_case() -> None:
    names = [rule.name for rule in RULES]
    assert len(set(names)) == len(names), "each rule's name is its own"
    assert all(rule.why.strip() for rule in RULES)
    assert all((rule.conflict is None) == (rule.says is None) for rule in RULES), "a conflict has its words"
    assert all(set(rule.sets) <= set(features.FEATURE_NAMES) for rule in RULES)
    assert set(CASES) == set(names)


@pytest.mark.parametrize(
    ("name", "first", "second", "relation", "words"),
    [(name, *case) for name, cases in CASES.items() for case in cases],
)
def test_a_rule_holds_for_its_case(name: str, first: str, second: str, relation: str, words: str) -> None:
    [rule] = [rule for rule in RULES if rule.name == name]
    a, b = features.analyse_many([first, second])
    [judgement] = relate_pairs([(first, second)])

    assert rule.holds(pair_of(a, b))
    assert all(judgement.features[feature] > 0 for feature in rule.sets)
    assert judgement.relation == relation
    if words:
        assert (rule.conflict, words) in features.compare(a, b).conflicts
        assert words in judgement.rationale


def _project_modules(source: Path) -> set[Path]:
    """The files of the project's modules that `source` imports."""
    found: set[Path] = set()
    for node in ast.walk(ast.parse(source.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            # `from claims.linking import lexicon` imports a module, `from core.text import fold` a name.
            names = [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            if name.partition(".")[0] in {"claims", "sources", "core"}:
                spec = _spec(name) or _spec(name.rpartition(".")[0])
                assert spec is not None
                assert spec.origin is not None
                found.add(Path(spec.origin))
    return found


def _spec(name: str) -> ModuleSpec | None:
    try:
        return importlib.util.find_spec(name)
    except ModuleNotFoundError:  # a name in a module, not a module of a package
        return None


def test_the_version_of_an_analysis_covers_the_parsing_and_what_it_uses_not_the_comparison() -> None:
    parsing_file, cache_file = Path(parsing.__file__), Path(cache.__file__)

    # The general lexicon's file too: a rebuilt lexicon gives other broader words.
    data = {claims.lexicon.LEXICON_FILE}
    assert set(cache.ANALYSIS_CODE) == {parsing_file, cache_file} | _project_modules(parsing_file) | data
    assert Path(comparison.__file__) not in cache.ANALYSIS_CODE
