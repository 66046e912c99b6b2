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

# Words of one meaning in news copy that Open English WordNet (`claims.lexicon`, which comparison asks for
# every other synonym, antonym and broader word) does not join, or joins only through a rare sense: each is
# mapped to the first word of its group, so that "ties" and "links", or "rose" and "increased", count as the
# same word in every comparison, roles and counts included.
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
    ("say", "state"),
    ("person", "people", "someone", "somebody", "individual"),
    ("protester", "demonstrator"),
    ("protest", "demonstration", "rally"),
    ("ban", "prohibit", "forbid", "outlaw"),
    ("allow", "permit", "authorise", "authorize", "legalise", "legalize"),
    ("support", "back", "endorse", "favour", "favor"),
    ("oppose", "resist"),
    ("approve", "accept"),
    ("reject", "veto"),
    ("confirm", "admit", "acknowledge"),
    ("true", "accurate", "correct"),
    ("false", "untrue", "inaccurate", "incorrect"),
    ("innocent", "blameless"),
    ("alive", "living"),
    ("dead", "deceased"),
    ("win", "victory"),
    ("lose", "defeat", "loss"),
    ("government", "administration"),
    ("rebel", "insurgent", "militant"),
    ("plane", "aircraft", "airplane", "jet"),
)

SYNONYMS: dict[str, str] = {word: group[0] for group in SYNONYM_GROUPS for word in group}

# Pairs of opposite predicates or states that WordNet does not give as antonyms of a verb or an adjective, by
# the first word of their synonym group. One claim holding one and the other the opposite is a conflict;
# holding one with a negation against the opposite is agreement ("did not rise" and "fell").
ANTONYMS: tuple[tuple[str, str], ...] = (
    ("increase", "decrease"),
    ("raise", "cut"),
    ("boost", "cut"),
    ("increase", "cut"),
    ("expand", "contract"),
    ("gain", "lose"),
    ("win", "lose"),
    ("profit", "lose"),
    ("surplus", "deficit"),
    ("higher", "lower"),
    ("improve", "deteriorate"),
    ("approve", "reject"),
    ("approve", "refuse"),
    ("support", "oppose"),
    ("support", "reject"),
    ("allow", "ban"),
    ("begin", "stop"),
    ("enter", "leave"),
    ("join", "leave"),
    ("join", "quit"),
    ("arrest", "release"),
    ("imprison", "release"),
    ("guilty", "acquit"),
    ("guilty", "innocent"),
    # "False", "deny": negative predicates, which are not content words, so only these lists oppose them.
    ("true", "false"),
    ("confirm", "deny"),
    ("peaceful", "violent"),
    ("alive", "dead"),
    ("survive", "die"),
    ("survive", "kill"),
    ("live", "die"),
    ("ally", "enemy"),
    ("friend", "enemy"),
    ("pass", "fail"),
    # Prepositions and comparatives, which the general lexicon files only as adverbs or nouns.
    ("before", "after"),
    ("inside", "outside"),
    ("above", "below"),
    ("more", "less"),
    ("more", "fewer"),
)

# The state a verb leaves its subject in, where WordNet links the verb only to a noun ("die" to "death"): with
# what a verb causes ("kill" causes "die"), "two officers were killed" meets "the officers are alive".
RESULT_STATES = {"die": "dead"}

# Values that cannot both describe the same person or moment. Unlike antonyms they are not a matter of
# polarity, so a negation does not cancel them. A description of a person conflicts only where it is said
# of someone ("the suspect is a woman" against "the suspect is a man"): "a man was arrested" and "a woman
# was arrested" may well be two arrests. A time of day or year conflicts wherever it stands.
EXCLUSIVE_DESCRIPTIONS: tuple[frozenset[str], ...] = (
    frozenset({"man", "woman"}),
    frozenset({"boy", "girl"}),
    frozenset({"male", "female"}),
    frozenset({"husband", "wife"}),
    frozenset({"father", "mother"}),
    frozenset({"son", "daughter"}),
    frozenset({"brother", "sister"}),
    frozenset({"king", "queen"}),
    frozenset({"democrat", "republican"}),
)
EXCLUSIVE_TIMES: tuple[frozenset[str], ...] = (
    frozenset({"morning", "afternoon", "evening", "night"}),
    frozenset({"dawn", "dusk"}),
    frozenset({"summer", "winter"}),
)

# Broader words and the narrower words they cover, by the first word of a synonym group, where WordNet's
# hypernyms are too many steps away to be asked for: a claim about "an officer" is also about "a person", one
# about "a rifle" about "a weapon". Matched either way round when two claims are aligned, never between two
# narrower words of one group ("minister" and "mayor"). `claims.lexicon.broader` gives the rest.
BROADER_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "person",
        (
            "man",
            "woman",
            "child",
            "boy",
            "girl",
            "baby",
            "teenager",
            "adult",
            "worker",
            "official",
            "resident",
            "witness",
            "victim",
            "suspect",
            "journalist",
            "reporter",
            "driver",
            "pilot",
            "student",
            "teacher",
            "doctor",
            "nurse",
            "farmer",
            "miner",
            "protester",
            "striker",
            "officer",
            "soldier",
            "police",
            "guard",
            "leader",
            "politician",
            "voter",
            "citizen",
            "passenger",
            "member",
            "survivor",
        ),
    ),
    ("child", ("boy", "girl", "baby")),
    ("official", ("minister", "mayor", "governor", "president", "senator", "spokesman", "spokeswoman", "diplomat")),
    ("vehicle", ("car", "truck", "bus", "van", "lorry", "tank", "motorcycle")),
    ("aircraft", ("plane", "helicopter", "drone")),
    ("weapon", ("gun", "knife", "grenade", "rocket", "missile", "bomb")),
    ("gun", ("rifle", "pistol", "revolver", "shotgun")),
    ("building", ("home", "church", "school", "hospital", "office", "tower", "barracks")),
    ("attack", ("raid", "ambush", "bomb", "shell", "storm")),
    ("kill", ("execute", "assassinate")),
    ("statement", ("tweet", "post", "video", "speech", "interview")),
)

# Words the English lemmatizer gets wrong, by the word as written: "riding" is not a form of "rid".
LEMMA_FIXES = {"riding": "ride", "rides": "ride", "grass": "grass", "lying": "lie", "dies": "die", "dying": "die"}

# Verbs that say little on their own: the claim's predicate is their object ("opened fire on",
# "launched an attack on", "has ties to", "held talks with"). "open" only with "fire".
LIGHT_VERBS = frozenset({"have", "make", "take", "give", "launch", "carry", "conduct", "hold", "stage", "mount", "do"})
LIGHT_VERB_OBJECTS = {"open": frozenset({"fire"})}

# Prepositions that introduce the target of an action: "fired at", "opened fire on", "a raid against".
TARGET_PREPOSITIONS = frozenset({"at", "on", "upon", "against", "toward", "towards", "into"})

# Verbs whose object is what is sent and whose target is whom it is aimed at: "fired rubber bullets at the
# strikers", "threw stones at police". Other verbs' object is their target ("dunking the ball at a game").
AIMED_VERBS = frozenset({"fire", "shoot", "throw", "hurl", "fling", "launch", "aim", "point", "drop", "lob"})

# Words after a target preposition that say when or how, not at whom: "at 2 a.m.", "at close range", "on time".
NOT_TARGETS = frozenset(
    {"a.m", "p.m", "am", "pm", "noon", "midnight", "night", "dawn", "dusk", "range", "time", "moment", "once", "first"}
)

# Predicates whose subject and object can change places without changing the fact.
SYMMETRIC_PREDICATES = frozenset(
    {"meet", "marry", "speak", "negotiate", "clash", "fight", "debate", "resemble", "join", "be", "have", "say"}
)
# Predicates that two can do to each other at once, so that "A watched B" and "B watched A" can both be true:
# looking, following, greeting. Unlike a shot fired or an arrest, their roles swapped are no contradiction.
MUTUAL_PREDICATES = frozenset(
    {
        "look",
        "watch",
        "see",
        "stare",
        "smile",
        "wave",
        "greet",
        "hug",
        "kiss",
        "call",
        "follow",
        "chase",
        "face",
        "help",
        "touch",
        "hold",
        "play",
        "talk",
        "write",
        "visit",
        "praise",
        "thank",
        "criticise",
        "criticize",
    }
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
        "few",
        "several",
        "many",
        "various",
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
