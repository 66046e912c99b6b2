"""Words that make two claims agree or conflict, for the feature-based pair classifier.

Written for this project from general knowledge of English news language; no
list here is learned from an annotated corpus. Entries are lemmas as spaCy's
English lemmatizer gives them, folded (lower case, no accents).
"""

# Words that negate what follows or what they attach to: "no confirmed links", "did not fire",
# "nobody was hurt". "no one" counts once, by its "no".
NEGATION_WORDS = frozenset(
    {"not", "n't", "never", "no", "nobody", "none", "nothing", "neither", "nor", "nowhere", "noone", "cannot"}
)

# Predicates that deny their complement: "denied having ties", "failed to win", "the reports are baseless".
# A word here that also appears in an antonym group below ("deny" against "confirm", "false" against
# "true") is read as an antonym when the other claim has its opposite, as a negation otherwise.
NEGATIVE_PREDICATES = frozenset(
    {
        "deny",
        "refute",
        "debunk",
        "disprove",
        "fail",
        "refuse",
        "lack",
        "false",
        "untrue",
        "baseless",
        "unfounded",
        "groundless",
        "incorrect",
        "inaccurate",
    }
)

# "not only ... but also" does not negate.
NOT_NEGATING_AFTER = {"not": frozenset({"only", "just", "merely"})}

# Words of one meaning in news copy, each mapped to the first word of its group, so that
# "ties" and "links", or "rose" and "increased", count as the same word.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("link", "tie", "connection", "association"),
    ("police", "policeman", "policewoman", "cop"),
    ("soldier", "troop", "serviceman"),
    ("army", "military"),
    ("increase", "rise", "grow", "climb", "jump", "surge", "soar"),
    ("decrease", "fall", "drop", "decline", "shrink", "plunge", "plummet", "slump", "tumble", "sink"),
    ("kill", "slay", "murder"),
    ("injure", "wound", "hurt"),
    ("die", "perish"),
    ("arrest", "detain", "apprehend", "capture"),
    ("release", "free"),
    ("begin", "start", "commence", "launch"),
    ("end", "finish"),
    ("say", "state"),
    ("speak", "talk"),
    ("shout", "yell", "scream"),
    ("child", "kid"),
    ("woman", "lady"),
    ("man", "guy"),
    ("home", "house"),
    ("car", "vehicle", "automobile"),
    ("picture", "photo", "photograph", "image"),
    ("protester", "demonstrator"),
    ("protest", "demonstration", "rally"),
    ("big", "large", "huge"),
    ("small", "little", "tiny"),
    ("quick", "fast", "rapid"),
    ("buy", "purchase"),
    ("ban", "prohibit", "forbid", "outlaw"),
    ("allow", "permit", "authorise", "authorize", "legalise", "legalize"),
    ("support", "back", "endorse", "favour", "favor"),
    ("oppose", "resist"),
    ("approve", "accept"),
    ("reject", "veto"),
    ("confirm", "admit", "acknowledge"),
    ("true", "accurate", "correct"),
    ("false", "untrue", "inaccurate", "incorrect"),
    ("guilty",),
    ("innocent", "blameless"),
    ("alive", "living"),
    ("dead", "deceased"),
    ("win", "victory"),
    ("lose", "defeat", "loss"),
    ("government", "administration"),
    ("terrorist", "terror"),
    ("rebel", "insurgent", "militant"),
    ("plane", "aircraft", "airplane", "jet"),
)

SYNONYMS: dict[str, str] = {word: group[0] for group in SYNONYM_GROUPS for word in group}

# Pairs of opposite predicates or states, by the first word of their synonym group. One claim holding
# one and the other the opposite is a conflict; holding one with a negation against the opposite is
# agreement ("did not rise" and "fell").
ANTONYMS: tuple[tuple[str, str], ...] = (
    ("increase", "decrease"),
    ("raise", "lower"),
    ("raise", "cut"),
    ("boost", "cut"),
    ("expand", "contract"),
    ("gain", "lose"),
    ("win", "lose"),
    ("profit", "lose"),
    ("surplus", "deficit"),
    ("high", "low"),
    ("higher", "lower"),
    ("more", "less"),
    ("more", "fewer"),
    ("above", "below"),
    ("strengthen", "weaken"),
    ("improve", "worsen"),
    ("improve", "deteriorate"),
    ("better", "worse"),
    ("strong", "weak"),
    ("approve", "reject"),
    ("approve", "refuse"),
    ("support", "oppose"),
    ("support", "reject"),
    ("allow", "ban"),
    ("legal", "illegal"),
    ("lawful", "unlawful"),
    ("constitutional", "unconstitutional"),
    ("open", "close"),
    ("open", "closed"),
    ("begin", "end"),
    ("begin", "stop"),
    ("enter", "leave"),
    ("arrive", "leave"),
    ("join", "leave"),
    ("join", "quit"),
    ("arrest", "release"),
    ("imprison", "release"),
    ("convict", "acquit"),
    ("guilty", "innocent"),
    ("guilty", "acquit"),
    ("true", "false"),
    ("confirm", "deny"),
    ("alive", "dead"),
    ("survive", "die"),
    ("survive", "kill"),
    ("live", "die"),
    ("present", "absent"),
    ("attack", "defend"),
    ("success", "failure"),
    ("succeed", "fail"),
    ("positive", "negative"),
    ("safe", "dangerous"),
    ("safe", "unsafe"),
    ("include", "exclude"),
    ("ally", "enemy"),
    ("friend", "enemy"),
    ("inside", "outside"),
    ("indoors", "outdoors"),
    ("majority", "minority"),
    ("maximum", "minimum"),
    ("legitimate", "illegitimate"),
    ("peaceful", "violent"),
    ("armed", "unarmed"),
    ("voluntary", "forced"),
    ("increase", "cut"),
)

# Values that cannot both describe the same person or moment: "a man was arrested" against "a woman was
# arrested". Unlike antonyms they are not a matter of polarity, so a negation does not cancel them.
EXCLUSIVE_GROUPS: tuple[frozenset[str], ...] = (
    frozenset({"man", "woman"}),
    frozenset({"boy", "girl"}),
    frozenset({"male", "female"}),
    frozenset({"husband", "wife"}),
    frozenset({"father", "mother"}),
    frozenset({"son", "daughter"}),
    frozenset({"brother", "sister"}),
    frozenset({"king", "queen"}),
    frozenset({"democrat", "republican"}),
    frozenset({"morning", "afternoon", "evening", "night"}),
    frozenset({"dawn", "dusk"}),
    frozenset({"summer", "winter"}),
)

# Verbs that say little on their own: the claim's predicate is their object ("opened fire on",
# "launched an attack on", "has ties to", "held talks with"). "open" only with "fire".
LIGHT_VERBS = frozenset({"have", "make", "take", "give", "launch", "carry", "conduct", "hold", "stage", "mount", "do"})
LIGHT_VERB_OBJECTS = {"open": frozenset({"fire"})}

# Prepositions that introduce the target of an action: "fired at", "opened fire on", "a raid against".
TARGET_PREPOSITIONS = frozenset({"at", "on", "upon", "against", "toward", "towards", "into"})

# Predicates whose subject and object can change places without changing the fact.
SYMMETRIC_PREDICATES = frozenset(
    {"meet", "marry", "speak", "negotiate", "clash", "fight", "debate", "resemble", "join", "be", "have", "say"}
)

# Who does what to whom: the armed bodies of a state are one side in a report, whatever a witness calls them.
ROLE_EQUIVALENTS = {
    word: "security forces"
    for word in (
        "police",
        "officer",
        "force",
        "soldier",
        "army",
        "guard",
        "security",
        "authority",
        "agent",
        "sniper",
        "commando",
    )
}

NUMBER_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "dozen": 12,
    "dozens": 24,
    "hundred": 100,
    "hundreds": 200,
    "thousand": 1_000,
    "thousands": 2_000,
    "million": 1_000_000,
    "millions": 2_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
}
MULTIPLIERS = frozenset({"hundred", "thousand", "million", "billion", "trillion", "dozen"})

# Words that make a number approximate: "at least 30", "about 30", "more than 30" do not contradict 32.
APPROXIMATORS = frozenset(
    {
        "about",
        "around",
        "approximately",
        "roughly",
        "nearly",
        "almost",
        "some",
        "over",
        "under",
        "least",
        "most",
        "more",
        "less",
        "fewer",
        "up",
        "estimated",
        "several",
        "dozens",
        "hundreds",
        "thousands",
        "millions",
        "than",
    }
)

MONTHS = {
    "january": "january",
    "jan": "january",
    "february": "february",
    "feb": "february",
    "march": "march",
    "mar": "march",
    "april": "april",
    "apr": "april",
    "may": "may",
    "june": "june",
    "jun": "june",
    "july": "july",
    "jul": "july",
    "august": "august",
    "aug": "august",
    "september": "september",
    "sep": "september",
    "sept": "september",
    "october": "october",
    "oct": "october",
    "november": "november",
    "nov": "november",
    "december": "december",
    "dec": "december",
}
WEEKDAYS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})

# Lemmas that carry no claim of their own, beyond the function words that the tagger marks.
STOP_LEMMAS = frozenset(
    {
        "be",
        "have",
        "do",
        "get",
        "there",
        "here",
        "also",
        "very",
        "just",
        "only",
        "even",
        "still",
        "then",
        "so",
        "such",
        "as",
        "well",
        "other",
        "another",
        "any",
        "some",
        "all",
        "each",
        "every",
        "specifically",
        "currently",
        "reportedly",
        "allegedly",
    }
)
# Penn tags of words that are not content: determiners, pronouns, prepositions, auxiliaries, numbers
# (compared on their own), punctuation.
FUNCTION_TAGS = frozenset(
    {
        "DT",
        "PDT",
        "IN",
        "CC",
        "PRP",
        "PRP$",
        "WDT",
        "WP",
        "WP$",
        "WRB",
        "TO",
        "MD",
        "EX",
        "POS",
        "RP",
        "UH",
        "CD",
        "SYM",
        "HYPH",
        "NFP",
        "LS",
        "XX",
        "_SP",
        "``",
        "''",
        ",",
        ".",
        ":",
        "-LRB-",
        "-RRB-",
        "$",
        "#",
    }
)
