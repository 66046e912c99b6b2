"""Words that signal attribution, and words that describe who is speaking.

Written for this project from general knowledge of English reporting
language; no list here is learned from an annotated corpus.
"""

# Verbs whose subject is a source and whose complement is what they said,
# thought or intended. Base forms; inflections are generated below.
SPEECH_VERBS = frozenset(
    """
accuse acknowledge add admit advise advocate affirm agree allege announce answer applaud argue ask
assert assure attack blame blast boast brag call caution charge chant cite claim comment complain
concede conclude condemn confirm contend counter criticise criticize declare decry demand
deny describe detail disclose discuss dismiss dispute echo emphasise emphasize encourage endorse
estimate explain forecast guarantee hint indicate inform insist instruct joke lament liken maintain
mention note object observe oppose pledge point post praise predict proclaim promise propose protest
question recall recommend reiterate reject remark reply report respond retort reveal rule say
scream shout slam state stress suggest swear tell testify threaten tout tweet urge vow warn
write yell
""".split()
)

COGNITION_VERBS = frozenset(
    """
believe consider decide decline doubt expect fear feel figure find guess hope imagine intend know learn
like prefer realise realize reckon resent see show suspect think understand want wish
worry wonder
""".split()
)

CUE_VERBS = SPEECH_VERBS | COGNITION_VERBS

IRREGULAR_FORMS = {
    "said": "say",
    "says": "say",
    "told": "tell",
    "wrote": "write",
    "written": "write",
    "swore": "swear",
    "sworn": "swear",
    "thought": "think",
    "knew": "know",
    "known": "know",
    "felt": "feel",
    "understood": "understand",
    "forecast": "forecast",
    "learnt": "learn",
    "found": "find",
    "saw": "see",
    "seen": "see",
    "shown": "show",
}


def _inflections(base: str) -> set[str]:
    forms = {base}
    if base.endswith("e"):
        forms |= {base + "s", base + "d", base[:-1] + "ing"}
    elif base.endswith("y") and base[-2] not in "aeiou":
        forms |= {base[:-1] + "ies", base[:-1] + "ied", base + "ing"}
    elif base.endswith(("s", "sh", "ch", "x", "z")):
        forms |= {base + "es", base + "ed", base + "ing"}
    else:
        forms |= {base + "s", base + "ed", base + "ing"}
        # Short verbs ending consonant-vowel-consonant double it: admit → admitted.
        if len(base) >= 3 and base[-1] not in "aeiouwxy" and base[-2] in "aeiou" and base[-3] not in "aeiou":
            forms |= {base + base[-1] + "ed", base + base[-1] + "ing"}
    return forms


CUE_FORMS: dict[str, str] = {form: base for base in CUE_VERBS for form in _inflections(base)}
CUE_FORMS.update(IRREGULAR_FORMS)

# Prepositions that introduce what was said, for the verbs that take them:
# "accused him of stealing", "warned against", "complained about".
CONTENT_PREPOSITIONS = {
    "of": frozenset({"accuse", "warn", "convince", "persuade", "inform", "remind", "suspect"}),
    "about": frozenset({"complain", "warn", "worry", "joke", "boast", "brag", "comment", "testify", "write", "ask"}),
    "against": frozenset({"warn", "argue", "caution", "protest", "decide", "rule"}),
    "to": frozenset({"admit", "agree", "object", "point", "testify", "respond", "liken"}),
    "for": frozenset({"call", "ask", "argue", "plead", "push"}),
    "on": frozenset({"call", "comment", "insist", "agree"}),
}
# Verbs that can follow what was said: "“...,” he said", "Two officers died, officials say".
INVERTING_VERBS = frozenset(
    """
    acknowledge add admit argue ask claim conclude explain insist joke note observe predict recall
    remark reply report respond say state suggest tell tweet warn write
    """.split()
)

# Verbs whose preposition belongs to the cue itself: "called for", "pointed to".
PHRASAL_CUES = frozenset({("call", "for"), ("call", "on"), ("point", "to"), ("ask", "about"), ("decide", "against")})

# Nouns that name an unnamed group of speakers.
GROUP_NOUNS = frozenset(
    """
    officials authorities sources police officers investigators prosecutors critics analysts experts
    observers witnesses residents protesters demonstrators activists aides advisers advisors lawmakers
    legislators senators diplomats spokespeople spokesmen spokeswomen leaders supporters opponents
    voters democrats republicans economists scientists researchers doctors medics troops soldiers
    forces rebels insurgents militants organisers organizers campaigners members people
    """.split()
)

ORGANISATION_NOUNS = frozenset(
    """
    government ministry department agency administration company firm campaign party committee
    commission council court media newspaper network station office army military police union
    organisation organization group coalition spokesman spokeswoman spokesperson
    authority federation association confederation institute foundation observatory service bureau
    board corporation alliance league society
    """.split()
)

# Roles that only an organisation holds: "Minera Norte, the mine's operator": Minera Norte is a company.
ORGANISATION_ROLES = frozenset(
    """
    operator contractor subcontractor owner manufacturer maker insurer publisher broadcaster developer
    supplier regulator employer lender retailer
    """.split()
)

# Words for relatives, with the sex they name and the relation they stand in: "her son" is someone whose
# parent she is. A relation's converse is what the relative is to the other ("mother" → "child").
KINSHIP: dict[str, tuple[str | None, str]] = {
    "mother": ("female", "parent"),
    "father": ("male", "parent"),
    "parent": (None, "parent"),
    "son": ("male", "child"),
    "daughter": ("female", "child"),
    "child": (None, "child"),
    "brother": ("male", "sibling"),
    "sister": ("female", "sibling"),
    "wife": ("female", "spouse"),
    "husband": ("male", "spouse"),
    "grandmother": ("female", "grandparent"),
    "grandfather": ("male", "grandparent"),
    "grandson": ("male", "grandchild"),
    "granddaughter": ("female", "grandchild"),
    "uncle": ("male", "parent's sibling"),
    "aunt": ("female", "parent's sibling"),
    "nephew": ("male", "sibling's child"),
    "niece": ("female", "sibling's child"),
}
CONVERSE_RELATIONS = {
    "parent": "child",
    "child": "parent",
    "sibling": "sibling",
    "spouse": "spouse",
    "grandparent": "grandchild",
    "grandchild": "grandparent",
    "parent's sibling": "sibling's child",
    "sibling's child": "parent's sibling",
}
# The sex a possessive pronoun says its owner is: in "his mother", the one whose mother she is is male.
POSSESSIVE_SEX = {"his": "male", "her": "female"}

# Words before a name that say who someone is rather than name them.
TITLES = frozenset(
    """
    mr mrs ms miss dr prof professor president vice prime minister secretary senator sen rep
    representative gov governor mayor judge justice gen general col colonel capt captain lt
    lieutenant sgt sergeant officer pilot chief king queen prince princess pope rev reverend sir
    lord lady dame speaker chancellor ambassador commissioner deputy director chairman chairwoman
    """.split()
)
# Titles of address only: they say nothing of a person's role, so they make no description.
COURTESY_TITLES = frozenset("mr mrs ms miss dr sir dame lord lady".split())

# How a second-hand statement reached the report: the channel becomes a
# source of its own.
CHANNEL_CUES = {"tweet": "tweet", "post": "post", "write": "post"}
CHANNEL_WORDS = {
    "tweet": "tweet",
    "twitter": "tweet",
    "footage": "video",
    "video": "video",
    "instagram": "video",
    "youtube": "video",
    "broadcast": "video",
    "interview": "interview",
    "statement": "statement",
    "facebook": "post",
    "post": "post",
    "blog": "post",
    "letter": "letter",
    "speech": "speech",
    "press": "statement",
}

PERSONAL_PRONOUNS = frozenset({"he", "she", "him", "her"})
GROUP_PRONOUNS = frozenset({"they", "them", "we"})
THING_PRONOUNS = frozenset({"it"})

# Single quotation marks are left out: in news text ’ is mostly an apostrophe.
QUOTE_OPENERS = '“"«'
QUOTE_CLOSERS = '”"»'
