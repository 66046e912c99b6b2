"""Linking at scale in PostgreSQL: time to link a new claim, candidate recall, re-link throughput, retrieval plan.

    .venv/bin/python bench/linking.py [--claims N ...] [--new K] [--sample M] [--relink P] [--seed S]
                                      [--database-url URL] [--keep]

Unlike the other benches this one needs a database. By default it starts its own embedded PostgreSQL in
`.data/bench-linking-<pid>` and removes it at the end (`--keep` leaves it); `--database-url` uses an existing
database, which must hold no claims. For each size N, smallest first (bench/README.md has the reasoning):

* it loads generated news-like claims up to N with `bulk_create`: facts stated once or several times, with
  near-duplicates, paraphrases, contradictions (negated, a number or date changed, roles swapped), near misses
  and many unrelated claims, from a seeded random stream, so every run loads the same claims; then stores their
  analyses, as each stored claim's own linking job (or `manage.py relink` after a bulk import) would have;
* creates new claims with `claim_create`, one by one, and links each alone with `claim_links_suggest`, timing
  the job, its retrieval query alone and its classifier call alone;
* judges M of those new claims against a random sample of up to 10,000 stored claims with the classifier, every
  pair, and counts the pairs it would link about the same fact and about different facts (its false links);
  then judges every new claim against every stored claim about the same fact, and reports the share of the
  pairs it would link that retrieval also returned (candidate recall);
* re-links a sample of stored claims with one worker process, then with two, and reports claims per second;
* prints the retrieval query's EXPLAIN (ANALYZE, BUFFERS) and whether it uses `claim_search_vector_idx`.

The last line is `claims=N link_p50_ms=X link_p95_ms=Y recall=0.xxx relink_1w_per_s=A relink_2w_per_s=B`, for
the largest N.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import platform
import queue
import random
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from multiprocessing.queues import Queue
    from multiprocessing.synchronize import Barrier

    from claims.models import Claim

# A worker runs the job on one thread; thread pools size themselves when numpy or spaCy load, so this must run
# before either is imported. The process is pinned to one core only once its PostgreSQL has started (main()).
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import common  # noqa: E402 (after the thread limits, and on the path set just above)

DATABASE = "attest_bench"
INDEX_NAME = "claim_search_vector_idx"
STORIES = 300
LOAD_BATCH = 5_000
RECALL_POOL = 10_000
# Pairs per classifier call when judging exhaustively: one slice of the pool against every sampled new claim, so
# each pooled claim is parsed once and the slice and the new claims fit in the classifier's cache of analyses.
RECALL_SLICE = 1_000
WARM_UP = ("Two officers were killed in the raid.", "Three officers were killed in the raid.")
AIM_P95_MS = 150
AIM_RECALL = 0.95


# ---------------------------------------------------------------------------------------------------- vocabularies


def words(text: str) -> list[str]:
    """Words of a list written on one string; an underscore joins the words of one entry."""
    return [word.replace("_", " ") for word in text.split()]


class Vocabulary:
    """The values of one slot, drawn with Zipf-like weights: a few very common, a long tail of rare ones, as in news."""

    def __init__(self, values: Sequence[str], skew: float = 1.0) -> None:
        self.values = tuple(dict.fromkeys(values))
        total = 0.0
        self.cumulative = []
        for rank in range(len(self.values)):
            total += 1.0 / (rank + 1) ** skew
            self.cumulative.append(total)

    def draw(self, rng: random.Random) -> str:
        return rng.choices(self.values, cum_weights=self.cumulative)[0]

    def other(self, rng: random.Random, than: str) -> str:
        while True:
            value = self.draw(rng)
            if value != than:
                return value


_FIRST_NAMES = words(
    """Ana José María Luis Carmen Jorge Rosa Carlos Elena Pedro Lucía Miguel Sofía Andrés Isabel Diego Teresa Raúl
    Paula Óscar Marta Javier Inés Tomás Julia Ernesto Laura Hugo Beatriz Ramón Amina Kwame Fatima Samuel Grace Peter
    Aisha Daniel Mercy Joseph Leila Omar Nadia Ibrahim Maya Victor Irene Felipe Clara Mateo"""
)
_LAST_NAMES = words(
    """Morales Pérez González Rodríguez Fernández López Martínez Sánchez Ramírez Torres Flores Rivera Gómez Díaz Cruz
    Reyes Ortiz Gutiérrez Chávez Ramos Vargas Castillo Jiménez Moreno Romero Herrera Medina Aguilar Vega Castro
    Mendoza Ruiz Álvarez Navarro Cabello Salazar Delgado Peña Rojas Guerrero Okafor Mensah Adeyemi Njoroge Otieno
    Haddad Nasser Bakr Santos Silva Oliveira Costa Pereira Almeida Barbosa Carvalho Ferreira Lima Araújo Duarte"""
)
# Interleaved so that the most drawn names are not all one family.
PEOPLE = Vocabulary(
    [f"{_FIRST_NAMES[i % len(_FIRST_NAMES)]} {_LAST_NAMES[(i * 7) % len(_LAST_NAMES)]}" for i in range(2_400)],
    skew=0.9,
)
PLACES = Vocabulary(
    words(
        """Caracas Maracaibo Valencia Barquisimeto Mérida Cumaná Bogotá Medellín Cali Cartagena Barranquilla Quito
        Guayaquil Cuenca Lima Arequipa Cusco Trujillo Piura Iquitos La_Paz Cochabamba Sucre Santiago Valparaíso
        Concepción Asunción Montevideo Buenos_Aires Córdoba Rosario Mendoza São_Paulo Recife Salvador Manaus Belém
        Fortaleza Curitiba Porto_Alegre Mexico_City Monterrey Guadalajara Puebla Oaxaca Tijuana Havana Santo_Domingo
        San_Juan Managua Tegucigalpa San_Salvador Guatemala_City Panama_City San_José Lagos Abuja Kano Ibadan Accra
        Kumasi Nairobi Mombasa Kisumu Kampala Kigali Dar_es_Salaam Lusaka Harare Maputo Johannesburg Durban
        Cape_Town Addis_Ababa Khartoum Cairo Alexandria Tunis Algiers Casablanca Dakar Bamako Niamey Manila Cebu
        Davao Jakarta Surabaya Medan Bangkok Chiang_Mai Hanoi Da_Nang Dhaka Chittagong Karachi Lahore Peshawar Kabul
        Colombo Kathmandu Yangon Mandalay Beirut Amman Baghdad Mosul Basra Aleppo Homs Sanaa Aden Tehran Istanbul
        Ankara Izmir Kyiv Kharkiv Odesa Tbilisi Yerevan Minsk Athens Naples Marseille Lyon Seville Porto"""
    )
)
COUNTRIES = Vocabulary(
    words(
        """Venezuela Colombia Ecuador Peru Bolivia Chile Paraguay Uruguay Argentina Brazil Mexico Cuba Honduras
        Nicaragua Guatemala Panama Nigeria Ghana Kenya Uganda Rwanda Tanzania Zambia Zimbabwe Mozambique Ethiopia
        Sudan Egypt Tunisia Morocco Senegal Mali Niger the_Philippines Indonesia Thailand Vietnam Bangladesh Pakistan
        Nepal Myanmar Lebanon Jordan Iraq Turkey Ukraine Georgia Armenia Greece Portugal"""
    )
)
GROUPS = Vocabulary(
    words(
        """police soldiers rebels protesters the_National_Guard a_gunman security_guards militants border_guards
        the_army gang_members prison_guards striking_miners a_police_patrol an_armed_group riot_police
        paramilitaries students settlers fishermen"""
    )
)
VICTIMS = Vocabulary(
    words(
        """officers civilians soldiers protesters children miners passengers workers students journalists pilgrims
        firefighters villagers prisoners nurses"""
    )
)
EVENTS = Vocabulary(
    words(
        """the_raid the_explosion the_bus_crash the_fire the_flood the_landslide the_clashes the_ambush the_stampede
        the_prison_riot the_bombing the_earthquake the_train_derailment the_shooting the_storm"""
    )
)
AUTHORITIES = Vocabulary(
    words("police the_army immigration_officers federal_agents the_coast_guard border_police prosecutors")
)
ARRESTEES = Vocabulary(words("people suspects protesters students officials migrants smugglers journalists"))
ORGANISATIONS = Vocabulary(
    [
        "the Cartel of the Suns",
        "the Tren de Aragua gang",
        "the CIA",
        "the ruling party",
        "the opposition coalition",
        "a drug cartel",
        "the Interior Ministry",
        "the state oil company",
        "a Russian mercenary group",
        "the teachers' union",
        "the central bank",
        "a smuggling ring",
        "the armed forces",
        "a Chinese mining company",
        "the presidential guard",
        "a militia",
        "the national lottery",
        "the football federation",
        "an offshore fund",
        "the electoral council",
        "a human rights group",
        "the farmers' association",
        "the port authority",
        "a local newspaper",
        "the intelligence service",
    ]
)
INDICATORS = Vocabulary(
    words(
        """inflation unemployment the_poverty_rate the_fiscal_deficit the_murder_rate youth_unemployment
        economic_growth the_budget_deficit food_prices school_dropout public_debt the_informal_economy
        child_mortality the_literacy_rate voter_turnout"""
    )
)
PERCENTS = Vocabulary([f"{tenths / 10:g}" for tenths in range(3, 900, 7)], skew=0.3)
YEARS = Vocabulary([str(year) for year in range(2025, 2009, -1)], skew=0.6)
WEEKDAYS = Vocabulary(words("Monday Tuesday Wednesday Thursday Friday Saturday Sunday"), skew=0.0)
MONTHS = Vocabulary(
    words("January February March April May June July August September October November December"), skew=0.0
)
DATES = Vocabulary(
    [f"{day} {month}" for month in MONTHS.values for day in (1, 3, 5, 8, 11, 12, 14, 17, 19, 21, 24, 26, 28, 30)],
    skew=0.0,
)
COUNTS = Vocabulary(
    words("two three four five six seven eight nine ten 11 12 13 14 15 16 17 18 19 20 21 23 25 27 30 32 35 40 45 50"),
    skew=0.8,
)
CROWDS = Vocabulary(
    words("200 300 500 800 1,000 1,200 1,500 2,000 3,000 4,000 5,000 8,000 10,000 15,000 20,000 30,000 50,000"),
    skew=0.5,
)
AMOUNTS = Vocabulary(
    [f"{value} {unit}" for unit in ("million", "billion") for value in (1, 2, 3, 5, 12, 20, 45, 80, 150, 300, 450)]
    + [f"{value / 10:g} billion" for value in range(11, 99, 6)],
    skew=0.4,
)
BARRELS = Vocabulary(words("500 800 1,000 2,000 3,500 5,000 7,000 10,000 12,000 20,000 25,000 40,000"), skew=0.4)
JOBS = Vocabulary(words("50 80 120 200 250 300 400 450 600 800 1,000 1,200 1,500 2,000 3,000 5,000"), skew=0.4)
BODIES = Vocabulary(
    words(
        """the_National_Assembly the_Senate the_city_council the_Supreme_Court the_cabinet the_regional_parliament
        the_electoral_council the_central_bank_board the_constitutional_court the_health_ministry
        the_university_board the_transport_authority"""
    )
)
POLICIES = Vocabulary(
    words(
        """a_ban_on_street_protests the_new_mining_law a_tax_on_sugary_drinks the_pension_reform
        a_rise_in_fuel_prices the_fuel_subsidy_cut the_amnesty_law a_curfew_in_the_capital the_new_labour_code
        a_state_of_emergency the_water_privatisation_plan the_anti-corruption_bill a_ban_on_foreign_media
        the_budget_for_next_year the_school_voucher_scheme the_land_reform the_extradition_treaty a_cap_on_rents
        the_new_electoral_map the_minimum_wage_increase"""
    )
)
PROJECTS = Vocabulary(
    words(
        """a_new_metro_line flood_defences rural_schools a_coastal_highway a_children's_hospital water_pipes
        police_stations a_new_airport housing_for_displaced_families solar_farms a_prison the_border_wall
        road_repairs a_port_expansion clinics"""
    )
)
GOVERNMENTS = Vocabulary(
    words(
        """the_government the_health_ministry the_city_council the_regional_government the_education_ministry
        the_World_Bank the_transport_ministry the_mayor's_office the_defence_ministry"""
    )
)
WRONGDOINGS = Vocabulary(
    words(
        """embezzling_public_funds rigging_the_election ordering_the_attack taking_bribes spying_on_journalists
        hiding_the_death_toll selling_arms_to_rebels inventing_the_figures laundering_money plotting_a_coup
        covering_up_the_spill torturing_prisoners"""
    )
)
ELECTIONS = Vocabulary(
    words(
        """the_presidential_election the_mayoral_race the_party_primary the_runoff the_governor's_race
        the_parliamentary_vote the_union_election"""
    )
)
COMPANIES = Vocabulary(
    words(
        """Petrosur Andina_Mining Lakeview_Foods Norte_Cement Atlantic_Shipping Condor_Airlines Vale_Verde
        Sierra_Textiles Pacifica_Energy Delta_Motors Mina_Roja Orinoco_Gold Kilimanjaro_Breweries Sahel_Telecom
        Mekong_Steel Banco_Agrícola Río_Plata_Foods Cóndor_Gas"""
    )
)
RIVERS = Vocabulary(
    words(
        """the_Orinoco the_Amazon the_Magdalena the_Niger the_Nile the_Mekong the_Paraná the_Congo Lake_Maracaibo
        Lake_Victoria the_bay"""
    )
)
ROLES = Vocabulary(
    words(
        """interior_minister finance_minister police_chief party_leader central_bank_governor army_commander mayor
        attorney_general head_of_the_electoral_council health_minister spokesman coach_of_the_national_team"""
    )
)
GOODS = Vocabulary(words("petrol diesel bread rice flour cooking_gas electricity water bus_fares medicines cement"))
SELLERS = Vocabulary(
    words(
        """the_government the_state_oil_company Petrosur the_power_utility Lakeview_Foods the_water_board Cóndor_Gas
        the_transport_ministry bakers pharmacies"""
    )
)


# ---------------------------------------------------------------------------------------------------- the claims


@dataclass(frozen=True)
class Frame:
    """One kind of news fact, and the ways a claim can state it, deny it or get a detail wrong."""

    name: str
    slots: Mapping[str, Vocabulary]
    forms: tuple[str, ...]
    """Wordings of the same fact: paraphrases of each other."""
    negated: tuple[str, ...]
    """Wordings that deny the fact, with a negation or an antonym."""
    changeable: tuple[str, ...] = ()
    """Slots (numbers, dates) whose change makes a contradicting claim."""
    swap: tuple[str, str] | None = None
    """Slots that trade places in a claim with the roles swapped."""
    weight: float = 1.0


FRAMES: tuple[Frame, ...] = (
    Frame(
        "attack",
        {"agent": GROUPS, "patient": GROUPS, "place": PLACES, "weekday": WEEKDAYS},
        (
            "{agent} opened fire on {patient} in {place} on {weekday}.",
            "{agent} fired at {patient} in {place} on {weekday}.",
            "On {weekday}, {agent} attacked {patient} in {place}.",
            "{agent} shot at {patient} during a march in {place} on {weekday}.",
        ),
        ("{agent} did not open fire on {patient} in {place}.", "{agent} never fired at {patient} in {place}."),
        changeable=("weekday",),
        swap=("agent", "patient"),
        weight=1.2,
    ),
    Frame(
        "casualties",
        {"count": COUNTS, "victims": VICTIMS, "event": EVENTS, "place": PLACES, "weekday": WEEKDAYS},
        (
            "{count} {victims} were killed in {event} in {place} on {weekday}.",
            "{event} in {place} killed {count} {victims} on {weekday}.",
            "{count} {victims} died in {event} in {place}.",
        ),
        ("No {victims} were killed in {event} in {place}.", "Nobody died in {event} in {place} on {weekday}."),
        changeable=("count", "weekday"),
        weight=1.5,
    ),
    Frame(
        "arrests",
        {"authority": AUTHORITIES, "count": COUNTS, "people": ARRESTEES, "event": EVENTS, "place": PLACES},
        (
            "{authority} arrested {count} {people} after {event} in {place}.",
            "{count} {people} were detained by {authority} in {place} after {event}.",
        ),
        (
            "{authority} arrested no {people} after {event} in {place}.",
            "No {people} were detained in {place} after {event}.",
        ),
        changeable=("count",),
    ),
    Frame(
        "ties",
        {"person": PEOPLE, "organisation": ORGANISATIONS},
        (
            "{person} has ties to {organisation}.",
            "{person} has links with {organisation}.",
            "{person} is connected to {organisation}.",
            "{person} worked for {organisation}.",
        ),
        (
            "{person} has no ties to {organisation}.",
            "{person} denied having links to {organisation}.",
            "There is no evidence that {person} has links to {organisation}.",
        ),
    ),
    Frame(
        "indicator",
        {"indicator": INDICATORS, "country": COUNTRIES, "percent": PERCENTS, "year": YEARS},
        (
            "{indicator} in {country} rose to {percent} percent in {year}.",
            "{indicator} in {country} increased to {percent} percent in {year}.",
            "In {year}, {indicator} in {country} climbed to {percent} percent.",
        ),
        (
            "{indicator} in {country} fell to {percent} percent in {year}.",
            "{indicator} in {country} did not rise in {year}.",
        ),
        changeable=("percent", "year"),
        weight=1.3,
    ),
    Frame(
        "vote",
        {"body": BODIES, "policy": POLICIES, "weekday": WEEKDAYS},
        (
            "{body} approved {policy} on {weekday}.",
            "On {weekday}, {body} voted to approve {policy}.",
            "{body} passed {policy} on {weekday}.",
        ),
        ("{body} rejected {policy} on {weekday}.", "{body} did not approve {policy}."),
        changeable=("weekday",),
    ),
    Frame(
        "meeting",
        {"person": PEOPLE, "other": PEOPLE, "place": PLACES, "date": DATES},
        ("{person} met {other} in {place} on {date}.", "{person} and {other} held talks in {place} on {date}."),
        ("{person} did not meet {other} in {place}.",),
        changeable=("date",),
        weight=0.8,
    ),
    Frame(
        "budget",
        {"government": GOVERNMENTS, "amount": AMOUNTS, "project": PROJECTS, "place": PLACES},
        (
            "{government} will spend ${amount} on {project} in {place}.",
            "{government} allocated ${amount} for {project} in {place}.",
            "The budget for {project} in {place} is ${amount}.",
        ),
        ("{government} will not fund {project} in {place}.",),
        changeable=("amount",),
        weight=0.8,
    ),
    Frame(
        "accusation",
        {"person": PEOPLE, "other": PEOPLE, "wrongdoing": WRONGDOINGS},
        ("{person} accused {other} of {wrongdoing}.", "{person} blamed {other} for {wrongdoing}."),
        ("{person} did not accuse {other} of {wrongdoing}.",),
        swap=("person", "other"),
        weight=0.9,
    ),
    Frame(
        "election",
        {"person": PEOPLE, "election": ELECTIONS, "place": PLACES, "percent": PERCENTS},
        (
            "{person} won {election} in {place} with {percent} percent of the vote.",
            "{person} was elected in {election} in {place} with {percent} percent.",
        ),
        ("{person} lost {election} in {place}.", "{person} did not win {election} in {place}."),
        changeable=("percent",),
        weight=0.8,
    ),
    Frame(
        "protest",
        {"crowd": CROWDS, "policy": POLICIES, "place": PLACES, "weekday": WEEKDAYS},
        (
            "{crowd} people protested against {policy} in {place} on {weekday}.",
            "A protest against {policy} drew {crowd} people in {place} on {weekday}.",
            "About {crowd} people marched in {place} against {policy}.",
        ),
        ("No protest against {policy} took place in {place} on {weekday}.",),
        changeable=("crowd", "weekday"),
        weight=0.9,
    ),
    Frame(
        "spill",
        {"company": COMPANIES, "barrels": BARRELS, "river": RIVERS, "place": PLACES},
        (
            "{company} spilled {barrels} barrels of oil into {river} near {place}.",
            "An oil spill of {barrels} barrels from {company} reached {river} near {place}.",
        ),
        ("{company} did not spill oil into {river}.", "{company} denied spilling oil near {place}."),
        changeable=("barrels",),
        weight=0.6,
    ),
    Frame(
        "visit",
        {"person": PEOPLE, "place": PLACES, "date": DATES},
        (
            "{person} visited {place} on {date}.",
            "{person} was in {place} on {date}.",
            "{person} travelled to {place} on {date}.",
        ),
        ("{person} did not visit {place} on {date}.", "{person} has never been to {place}."),
        changeable=("date",),
        weight=0.7,
    ),
    Frame(
        "resignation",
        {"person": PEOPLE, "role": ROLES, "weekday": WEEKDAYS},
        (
            "{person} resigned as {role} on {weekday}.",
            "{person} stepped down as {role} on {weekday}.",
            "{person} quit as {role} on {weekday}.",
        ),
        ("{person} has not resigned as {role}.", "{person} refused to resign as {role}."),
        changeable=("weekday",),
        weight=0.6,
    ),
    Frame(
        "layoffs",
        {"company": COMPANIES, "jobs": JOBS, "place": PLACES},
        (
            "{company} laid off {jobs} workers at its plant in {place}.",
            "{company} cut {jobs} jobs in {place}.",
            "{jobs} workers lost their jobs at {company} in {place}.",
        ),
        ("{company} did not lay off any workers in {place}.",),
        changeable=("jobs",),
        weight=0.8,
    ),
    Frame(
        "price",
        {"seller": SELLERS, "goods": GOODS, "percent": PERCENTS, "month": MONTHS},
        (
            "{seller} raised the price of {goods} by {percent} percent in {month}.",
            "The price of {goods} from {seller} went up {percent} percent in {month}.",
        ),
        (
            "{seller} lowered the price of {goods} in {month}.",
            "{seller} did not raise the price of {goods} in {month}.",
        ),
        changeable=("percent", "month"),
        weight=0.7,
    ),
)
FRAME_INDEXES = range(len(FRAMES))
FRAME_WEIGHTS = [frame.weight for frame in FRAMES]
# Light rewordings: the same claim behind an attribution or a hedge.
LEADS = (
    "Officials confirmed that ",
    "Witnesses said ",
    "According to local media, ",
    "Reportedly, ",
    "It emerged that ",
)
# How a later claim about a fact differs from the first one, and how often.
VARIANTS = {
    "duplicate": 0.15,  # the same words, in another story
    "reworded": 0.12,  # the same words behind a lead
    "paraphrase": 0.25,  # another wording of the same fact
    "negated": 0.15,  # denied, by a negation or an antonym
    "changed": 0.15,  # a number or a date changed
    "swapped": 0.06,  # who did what to whom reversed
    "near miss": 0.12,  # the same kind of fact with another place, person or thing: shares words, unrelated
}


@dataclass(frozen=True)
class Fact:
    frame: int
    values: tuple[str, ...]
    form: int
    """The wording the fact was first stated in."""
    story: int


def new_fact(rng: random.Random) -> Fact:
    index = rng.choices(FRAME_INDEXES, weights=FRAME_WEIGHTS)[0]
    frame = FRAMES[index]
    values = {slot: vocabulary.draw(rng) for slot, vocabulary in frame.slots.items()}
    if frame.swap is not None:
        first, second = frame.swap
        if values[first] == values[second]:
            values[second] = frame.slots[second].other(rng, values[first])
    return Fact(index, tuple(values.values()), rng.randrange(len(frame.forms)), rng.randrange(STORIES))


def render(fact: Fact, form: str, lead: str = "") -> str:
    frame = FRAMES[fact.frame]
    text = form.format_map(dict(zip(frame.slots, fact.values, strict=True)))
    if lead:
        # "Witnesses said police opened fire …", "Reportedly, the budget for …": a lead keeps names capitalised.
        return lead + (text[0].lower() + text[1:] if not form.startswith("{") else text)
    return text[0].upper() + text[1:]


def variant(fact: Fact, rng: random.Random) -> tuple[str, str]:
    """Another claim about `fact`: (kind, text)."""
    frame = FRAMES[fact.frame]
    kinds = [kind for kind in VARIANTS if (kind != "changed" or frame.changeable) and (kind != "swapped" or frame.swap)]
    kind = rng.choices(kinds, weights=[VARIANTS[kind] for kind in kinds])[0]
    first_form = frame.forms[fact.form]
    if kind == "duplicate":
        return kind, render(fact, first_form)
    if kind == "reworded":
        return kind, render(fact, first_form, lead=rng.choice(LEADS))
    if kind == "paraphrase":
        others = [form for form in frame.forms if form != first_form]
        return kind, render(fact, rng.choice(others))
    if kind == "negated":
        return kind, render(fact, rng.choice(frame.negated))
    slots = list(frame.slots)
    values = list(fact.values)
    if kind == "swapped":
        assert frame.swap is not None
        first, second = (slots.index(slot) for slot in frame.swap)
        values[first], values[second] = values[second], values[first]
    else:
        if kind == "changed":
            slot = rng.choice(frame.changeable)
        else:  # a near miss changes what the fact is about, not a number or a date
            slot = rng.choice([slot for slot in slots if slot not in frame.changeable])
        position = slots.index(slot)
        values[position] = frame.slots[slot].other(rng, values[position])
    # Mostly in the first claim's words, sometimes in others.
    form = first_form if rng.random() < 0.7 else rng.choice(frame.forms)
    return kind, render(Fact(fact.frame, tuple(values), fact.form, fact.story), form)


class Generated(NamedTuple):
    text: str
    story: int
    """Index into the bench's stories."""
    fact: int
    """Index of the fact in `ClaimStream.facts`, or -1 for a fact that is not stored."""
    kind: str
    """"first", or the kind of variant (`VARIANTS`), or "unseen" for a new claim about no stored fact."""


class ClaimStream:
    """An endless, seeded stream of claims: facts, each stated once, then by 0 to 6 more claims."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 (seeded, for repeatable data, not secrets)
        self.facts: list[Fact] = []
        self.kinds: Counter[str] = Counter()
        # (story, hash of the folded text) already given: a story holds a claim once, as the database requires.
        # The hash keeps a million claims in memory cheaply; a collision only drops a claim.
        self._seen: set[tuple[int, int]] = set()

    def __iter__(self) -> Iterator[Generated]:
        from core.text import fold

        rng = self.rng
        while True:
            fact = new_fact(rng)
            self.facts.append(fact)
            frame = FRAMES[fact.frame]
            claims = [("first", render(fact, frame.forms[fact.form]), fact.story)]
            # Half the facts are stated once; the others come back a few times, now and then many times.
            for _ in range(0 if rng.random() < 0.5 else min(6, 1 + int(rng.expovariate(0.9)))):
                kind, text = variant(fact, rng)
                same_story = kind != "duplicate" and rng.random() < 0.7
                claims.append((kind, text, fact.story if same_story else rng.randrange(STORIES)))
            for kind, text, story in claims:
                key = (story, hash(fold(text)))
                if key not in self._seen:
                    self._seen.add(key)
                    self.kinds[kind] += 1
                    yield Generated(text, story, len(self.facts) - 1, kind)


def arriving_claims(stream: ClaimStream, count: int, seed: int) -> list[Generated]:
    """Claims added after the load: 60% about a stored fact, the rest about something new."""
    from core.text import fold

    rng = random.Random(seed)  # noqa: S311 (seeded, for repeatable data, not secrets)
    chosen: dict[str, Generated] = {}
    while len(chosen) < count:
        if rng.random() < 0.6 and stream.facts:
            index = rng.randrange(len(stream.facts))
            kind, text = variant(stream.facts[index], rng)
        else:
            fact = new_fact(rng)
            index, kind, text = -1, "unseen", render(fact, FRAMES[fact.frame].forms[fact.form])
        chosen.setdefault(fold(text), Generated(text, 0, index, kind))  # all go into one story: each once
    return list(chosen.values())


# ---------------------------------------------------------------------------------------------------- the database


def setup_django() -> None:
    """Set Django up against DATABASE_URL, with linking on save off and DEBUG off, as a worker runs."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    # Neither the bulk load nor the timed claim_create calls may queue the job: the bench calls it itself.
    os.environ["ATTEST_LINK_ON_SAVE"] = "false"
    # DEBUG keeps the SQL of every query in memory; a worker in production runs without it.
    os.environ["DJANGO_DEBUG"] = "false"
    # The job queues a support assessment for each claim it links. A worker hands those to the broker and goes
    # on; without a broker they would run inside the timed job, so they go to an in-memory one, never run.
    os.environ["CELERY_BROKER_URL"] = "memory://"
    common.setup_django()


def sql(query: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall() if cursor.description else []


def stories_create(count: int) -> list[int]:
    from claims.models import Story

    stories = Story.objects.bulk_create(
        Story(title=f"Bench story {number}", slug=f"bench-story-{number}") for number in range(count)
    )
    return [story.pk for story in stories]


def claims_load(
    claims: Iterator[Generated], story_ids: Sequence[int], have: int, target: int, same_fact: dict[int, list[int]]
) -> float:
    """Insert claims from `claims` until there are `target`; returns the seconds it took.

    Notes in `same_fact` the ids of the stored claims about each fact, near misses left out: the pairs that a
    perfect linker would link, as the generator planted them.
    """
    from claims.models import Claim
    from core.text import fold

    started = time.perf_counter()
    reported = have
    while have < target:
        batch = [next(claims) for _ in range(min(LOAD_BATCH, target - have))]
        # bulk_create bypasses claim_create (no validation, no job queued): fine for a bench, and how an import
        # loads a backlog before `manage.py relink`. folded_text is what the service would store: retrieval reads it.
        stored = Claim.objects.bulk_create(
            [Claim(text=claim.text, folded_text=fold(claim.text), story_id=story_ids[claim.story]) for claim in batch]
        )
        for row, claim in zip(stored, batch, strict=True):
            if claim.kind != "near miss":
                same_fact.setdefault(claim.fact, []).append(row.pk)
        have += len(batch)
        if have - reported >= max(50_000, (target - reported) // 5) and have < target:
            print(f"  … {have:,} claims ({time.perf_counter() - started:.0f} s)", flush=True)
            reported = have
    # Autovacuum analyses the table and merges the search index's pending entries within a minute or so of a
    # load this size; doing it now keeps the timings from depending on whether it has run yet.
    sql(f'VACUUM ANALYZE "{Claim._meta.db_table}"')
    return time.perf_counter() - started


def analyses_store(*, after: int) -> float:
    """Store the analyses of the claims loaded after the first `after`; returns the seconds it took."""
    from claims.linking.analyses import claim_analyses_prepare
    from claims.models import Claim, ClaimAnalysis

    started = time.perf_counter()
    last = Claim.objects.order_by("pk").values_list("pk", flat=True)[after - 1] if after else 0
    while batch := list(Claim.objects.filter(pk__gt=last).order_by("pk").only("pk", "text")[:LOAD_BATCH]):
        claim_analyses_prepare(batch)
        last = batch[-1].pk
    sql(f'VACUUM ANALYZE "{ClaimAnalysis._meta.db_table}"')
    return time.perf_counter() - started


def bench_rows_delete() -> None:
    """Remove everything the bench wrote to a database it was lent (`--database-url`)."""
    from claims.models import Claim, ClaimLink, LinkingRun, Story

    ClaimLink.objects.all().delete()
    LinkingRun.objects.all().delete()
    Claim.objects.all().delete()
    Story.objects.filter(slug__startswith="bench-").delete()


# ---------------------------------------------------------------------------------------------------- measuring


@dataclass
class Latency:
    link: list[float] = field(default_factory=list)
    retrieval: list[float] = field(default_factory=list)
    classifier: list[float] = field(default_factory=list)
    candidates: list[int] = field(default_factory=list)
    suggested: list[int] = field(default_factory=list)
    candidate_ids: dict[int, set[int]] = field(default_factory=dict)


def link_one_by_one(claims: Sequence[Claim]) -> Latency:
    """Link each claim alone, timing the job, then its retrieval query and its classifier call on their own."""
    from claims.linking import features
    from claims.linking.analyses import claim_analyses_prepare
    from claims.linking.classifier import classifier
    from claims.linking.retrieval import candidate_claims
    from claims.linking.suggestions import claim_links_suggest

    detector = classifier()
    latency = Latency()
    for claim in claims:
        # The classifier keeps the analyses of parsed claims in a cache. The parts are timed from the cache the
        # job started with, so "analyses and classifier" includes reading the stored analyses the job read; the
        # new claim's own analysis, which the job parsed and stored, is read back. (Only a bench reaches in.)
        cached = features._cache.copy()
        started = time.perf_counter()
        run = claim_links_suggest(claim_id=claim.pk)
        latency.link.append(time.perf_counter() - started)
        assert run is not None
        latency.candidates.append(run.candidates)
        latency.suggested.append(run.suggested)
        with features._cache_lock:
            features._cache.clear()
            features._cache.update(cached)

        started = time.perf_counter()
        candidates = list(candidate_claims(claim))
        latency.retrieval.append(time.perf_counter() - started)
        latency.candidate_ids[claim.pk] = {candidate.pk for candidate in candidates}

        started = time.perf_counter()
        claim_analyses_prepare([claim, *candidates])
        detector.judge_many([(claim.text, candidate.text) for candidate in candidates])
        latency.classifier.append(time.perf_counter() - started)
    return latency


@dataclass
class Recall:
    pairs: int
    linked: Counter[str]
    """Pairs the classifier would link that are about the same fact, by relation: the reference."""
    found: Counter[str]
    """Of those, the pairs retrieval returned."""
    chance: Counter[str]
    """Pairs the classifier would link that are about different facts (its false links), by relation."""
    chance_found: Counter[str]
    """Of those, the pairs retrieval returned."""
    seconds: float
    misses: list[tuple[str, str, str, float]]
    """Pairs of the reference that retrieval did not return: (new claim, stored claim, relation, score)."""

    @property
    def recall(self) -> float:
        total = sum(self.linked.values())
        return sum(self.found.values()) / total if total else float("nan")


def candidate_recall(
    batches: Iterable[Sequence[tuple[Claim, Claim]]],
    candidates: Mapping[int, set[int]],
    same_fact: Mapping[int, set[int]],
) -> Recall:
    """Judge every pair of `batches`; of the pairs the job would link, how many retrieval returned, apart for the
    pairs about the same fact (the reference) and those about different ones (the classifier's false links)."""
    from django.conf import settings

    from claims.linking.classifier import classifier

    detector = classifier()
    recall = Recall(0, Counter(), Counter(), Counter(), Counter(), 0.0, [])
    started = time.perf_counter()
    for pairs in batches:
        judgements = detector.judge_many([(claim.text, stored.text) for claim, stored in pairs])
        recall.pairs += len(pairs)
        for (claim, stored), judgement in zip(pairs, judgements, strict=True):
            # The job's own rule for suggesting a link (claims.linking.suggestions).
            if judgement.relation == "unrelated" or judgement.score < settings.ATTEST_LINK_MIN_SCORE:
                continue
            retrieved = stored.pk in candidates[claim.pk]
            if stored.pk in same_fact[claim.pk]:
                recall.linked[judgement.relation] += 1
                recall.found[judgement.relation] += retrieved
                if not retrieved:
                    recall.misses.append((claim.text, stored.text, judgement.relation, judgement.score))
            else:
                recall.chance[judgement.relation] += 1
                recall.chance_found[judgement.relation] += retrieved
    recall.seconds = time.perf_counter() - started
    return recall


@dataclass(frozen=True)
class Relink:
    workers: int
    claims: int
    seconds: float
    cpu_seconds: float
    """CPU time of the worker processes (Python: parsing, judging, the ORM), summed."""
    candidates: int
    suggested: int
    backends: Counter[str]
    """What the workers' PostgreSQL sessions were doing, sampled ten times a second."""

    @property
    def per_second(self) -> float:
        return self.claims / self.seconds if self.seconds else float("inf")


def relink_worker(claim_ids: Sequence[int], cpus: set[int], barrier: Barrier, results: Queue[Any]) -> None:
    """One worker process of a re-link: link each claim in turn, as a Celery worker runs the jobs it takes."""
    if cpus:
        os.sched_setaffinity(0, cpus)  # the parent is pinned to one core; a worker may run on any
    setup_django()
    from django.db import connections

    connections.close_all()
    from claims.linking.classifier import classifier
    from claims.linking.suggestions import claim_links_suggest

    classifier().judge_many([WARM_UP])  # loads the language model: not timed
    barrier.wait()
    started, cpu_started = time.time(), time.process_time()
    candidates = suggested = 0
    for claim_id in claim_ids:
        run = claim_links_suggest(claim_id=claim_id)
        if run is not None:
            candidates += run.candidates
            suggested += run.suggested
    finished, cpu = time.time(), time.process_time() - cpu_started
    connections.close_all()
    results.put((started, finished, cpu, len(claim_ids), candidates, suggested))


def relink(claim_ids: Sequence[int], workers: int, cpus: set[int]) -> Relink:
    """Link `claim_ids` in `workers` processes, each a disjoint share, then remove the links and runs they wrote."""
    import multiprocessing

    from django.db import connections

    from claims.models import ClaimLink, LinkingRun

    last_link = ClaimLink.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    last_run = LinkingRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    connections.close_all()
    # Spawned, not forked: each worker starts from nothing, as a Celery worker process does.
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(workers)
    results = context.Queue()
    processes = [
        context.Process(target=relink_worker, args=(claim_ids[share::workers], cpus, barrier, results))
        for share in range(workers)
    ]
    for process in processes:
        process.start()
    reports: list[tuple[float, float, float, int, int, int]] = []
    backends: Counter[str] = Counter()
    while len(reports) < workers:
        try:
            reports.append(results.get(timeout=0.1))
        except queue.Empty:
            backends.update(backend_states())
            if any(process.exitcode not in (None, 0) for process in processes):
                for process in processes:
                    process.terminate()
                raise RuntimeError("a re-link worker failed; its traceback is above") from None
    for process in processes:
        process.join()
    ClaimLink.objects.filter(pk__gt=last_link).delete()
    LinkingRun.objects.filter(pk__gt=last_run).delete()
    return Relink(
        workers=workers,
        claims=sum(report[3] for report in reports),
        # From the first worker's start to the last one's finish: the wall time of the whole re-link.
        seconds=max(report[1] for report in reports) - min(report[0] for report in reports),
        cpu_seconds=sum(report[2] for report in reports),
        candidates=sum(report[4] for report in reports),
        suggested=sum(report[5] for report in reports),
        backends=backends,
    )


def backend_states() -> list[str]:
    """What each other session on this database is doing now: running a query, waiting (on what), or idle."""
    rows = sql(
        """
        SELECT state, wait_event_type, wait_event FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
        """
    )
    states = []
    for state, wait_type, wait_event in rows:
        if state == "active":
            states.append(f"waiting on {wait_type}:{wait_event}" if wait_type else "running a query")
        elif state == "idle in transaction":
            states.append("idle in its transaction (the worker computing)")
        else:
            states.append("idle (the worker computing between jobs)")
    return states


def retrieval_plan(claim: Claim) -> str:
    from claims.linking.retrieval import candidate_claims

    return candidate_claims(claim).explain(analyze=True, buffers=True)


def rows_matched(plan: str, table: str) -> int:
    """Rows the first scan of `table` in an EXPLAIN ANALYZE returned (over all its loops)."""
    for line in plan.splitlines():
        if f" on {table}" in line:
            found = re.search(r"actual time=\S+ rows=([\d.]+) loops=(\d+)", line)
            if found:
                return round(float(found.group(1)) * int(found.group(2)))
    return 0


def percentile(values: Sequence[float], percent: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


def wilson(hits: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval of a proportion: honest for a few dozen pairs, or a proportion near 1."""
    if not total:
        return float("nan"), float("nan")
    share = hits / total
    centre = (share + z * z / (2 * total)) / (1 + z * z / total)
    margin = z * math.sqrt(share * (1 - share) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return max(0.0, centre - margin), min(1.0, centre + margin)


@dataclass(frozen=True)
class CpuMark:
    wall: float
    machine: float | None
    bench: float
    server: float | None


class CpuMeter:
    """Who used the CPU over a stretch of the run: the bench (with its workers), its PostgreSQL, other processes.

    Timings on a shared machine are only as good as the CPU they got; this says how much others took.
    """

    def __init__(self, server_pid: int | None) -> None:
        self.server_pid = server_pid
        self.ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def mark(self) -> CpuMark:
        own = os.times()  # the workers count once they have been joined
        return CpuMark(
            time.perf_counter(),
            self._machine(),
            own.user + own.system + own.children_user + own.children_system,
            self._server(),
        )

    def since(self, start: CpuMark) -> str:
        end = self.mark()
        wall, bench = end.wall - start.wall, end.bench - start.bench
        parts = [f"bench {bench:.1f} s"]
        server = None if end.server is None or start.server is None else end.server - start.server
        if server is not None:
            parts.append(f"PostgreSQL {server:.1f} s")
        if end.machine is not None and start.machine is not None:
            others = max(0.0, end.machine - start.machine - bench - (server or 0.0))
            parts.append(f"other processes {others:.1f} s")
        return f"CPU time over {wall:.1f} s on {os.cpu_count()} cores: " + ", ".join(parts)

    def _machine(self) -> float | None:
        try:
            fields = Path("/proc/stat").read_text(encoding="ascii").split("\n", 1)[0].split()[1:]
        except OSError:
            return None
        user, nice, system, _idle, _iowait, irq, softirq, steal = (int(value) for value in fields[:8])
        return (user + nice + system + irq + softirq + steal) / self.ticks

    def _server(self) -> float | None:
        if self.server_pid is None:
            return None
        import psutil

        try:
            postmaster = psutil.Process(self.server_pid)
            times = postmaster.cpu_times()
            # Backends that have exited count in the postmaster's children_*; live ones are read one by one.
            total = times.user + times.system + times.children_user + times.children_system
            for child in postmaster.children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    child_times = child.cpu_times()
                    total += child_times.user + child_times.system
        except psutil.Error:
            return None
        return total


# ---------------------------------------------------------------------------------------------------- one size


@dataclass
class SizeResult:
    claims: int
    link_p50_ms: float
    link_p95_ms: float
    retrieval_p50_ms: float
    retrieval_p95_ms: float
    classifier_p95_ms: float
    recall: float
    recall_pairs: int
    relink: dict[int, float]
    uses_index: bool


def _ms(seconds: Sequence[float]) -> str:
    return (
        f"p50 {1000 * statistics.median(seconds):6.1f} ms   p95 {1000 * percentile(seconds, 95):6.1f} ms   "
        f"max {1000 * max(seconds):6.1f} ms"
    )


def measure(
    size: int,
    stream: ClaimStream,
    same_fact: Mapping[int, list[int]],
    *,
    new: int,
    sample: int,
    relink_sample: int,
    seed: int,
    cpus: set[int],
    meter: CpuMeter,
) -> SizeResult:
    """Measure linking over the claims loaded so far (`size`), leaving the stored claims as they were."""
    from claims.models import Claim, ClaimLink, LinkingRun, Story
    from claims.services import claim_create, story_create

    table = Claim._meta.db_table
    kinds = ", ".join(f"{count:,} {kind}" for kind, count in stream.kinds.most_common())
    print(f"stored: {size:,} claims about {len(stream.facts):,} facts in {STORIES} stories ({kinds})")
    (table_size, index_size), *_ = sql(
        "SELECT pg_size_pretty(pg_total_relation_size(%s::regclass)), pg_size_pretty(pg_relation_size(%s::regclass))",
        [table, INDEX_NAME],
    )
    print(f"table {table}: {table_size} with its indexes, of which {INDEX_NAME} {index_size}")

    # New claims arrive through the service, one at a time, as an editor or an ingestion adds them.
    incoming = story_create(title=f"Incoming claims at {size:,}", slug=f"bench-incoming-{size}")
    arriving = arriving_claims(stream, new + 1, seed=seed + size)
    started = time.perf_counter()
    new_claims = [claim_create(text=claim.text, story=incoming) for claim in arriving]
    each_ms = 1000 * (time.perf_counter() - started) / len(new_claims)
    arrived = ", ".join(
        f"{count} {kind}" for kind, count in Counter(claim.kind for claim in arriving[1:]).most_common()
    )
    # The stored claims about the same fact as each new claim: what the generator planted for the linker to find.
    planted = {
        claim.pk: set(same_fact.get(generated.fact, ())) if generated.kind not in ("near miss", "unseen") else set()
        for claim, generated in zip(new_claims, arriving, strict=True)
    }
    kind_of = {claim.pk: generated.kind for claim, generated in zip(new_claims, arriving, strict=True)}
    print(f"new: {new + 1} claims created with claim_create ({each_ms:.1f} ms each, linking on save off): {arrived}")

    # 1. Linking one new claim.
    link_one_by_one(new_claims[:1])  # warm-up: loads the language model, not counted
    timed = new_claims[1:]
    mark = meter.mark()
    latency = link_one_by_one(timed)
    cpu = meter.since(mark)
    print()
    print(f"1. linking one new claim: {len(timed)} claims, each linked alone, after one untimed warm-up claim")
    print(f"   job (claim_links_suggest)  {_ms(latency.link)}")
    print(f"   retrieval query alone      {_ms(latency.retrieval)}")
    print(f"   analyses and classifier    {_ms(latency.classifier)}")
    print(
        f"   candidates judged per claim: mean {statistics.fmean(latency.candidates):.1f}; links suggested per "
        f"claim: mean {statistics.fmean(latency.suggested):.2f}"
    )
    slowest = max(range(len(timed)), key=lambda i: latency.link[i])
    print(f"   slowest job ({1000 * latency.link[slowest]:.0f} ms): {timed[slowest].text!r}")
    print(f"   {cpu}")

    # 4 (measured now, printed last): the plan of the retrieval query, for the claim whose query took the median
    # time, and the row count behind the slowest query, in the state the timings above were taken in.
    by_time = sorted(range(len(timed)), key=lambda i: latency.retrieval[i])
    median_claim, slowest_claim = timed[by_time[len(by_time) // 2]], timed[by_time[-1]]
    plan = retrieval_plan(median_claim)
    slowest_rows = rows_matched(retrieval_plan(slowest_claim), table)

    # 2. Candidate recall against judging every pair. The classifier links pairs of claims of one kind about
    # different events by the hundred (another date, another number: "contradicts"); the reference is the pairs
    # it would link that are about the same fact, and the others are counted as its false links.
    rng = random.Random(seed + 2 * size)  # noqa: S311 (seeded, for repeatable samples)
    stored_ids = list(Claim.objects.exclude(story=incoming).order_by("pk").values_list("pk", flat=True))
    pool_ids = rng.sample(stored_ids, min(RECALL_POOL, len(stored_ids)))
    pool = list(Claim.objects.filter(pk__in=pool_ids).order_by("pk").only("pk", "text"))
    sampled = timed[:sample]
    mark = meter.mark()
    exhaustive = candidate_recall(
        (
            [(claim, stored) for claim in sampled for stored in pool[start : start + RECALL_SLICE]]
            for start in range(0, len(pool), RECALL_SLICE)
        ),
        latency.candidate_ids,
        planted,
    )
    # Every new claim against every stored claim about the same fact, in the whole store: judging the other pairs
    # too, as above, would change nothing in the reference, only take hours at 100,000 claims.
    stored_by_id = Claim.objects.only("pk", "text").in_bulk(sorted(set().union(*planted.values())))
    recall = candidate_recall(
        [[(claim, stored_by_id[pk]) for claim in timed for pk in sorted(planted[claim.pk])]],
        latency.candidate_ids,
        planted,
    )
    cpu = meter.since(mark)
    total = sum(recall.linked.values())
    low, high = wilson(sum(recall.found.values()), total)
    print()
    print(
        f"2. candidate recall: {len(sampled)} new claims × {len(pool):,} stored claims drawn at random = "
        f"{exhaustive.pairs:,} pairs, all judged ({exhaustive.seconds:.0f} s)"
    )
    for relation in sorted(exhaustive.linked | exhaustive.chance):
        print(
            f"   {relation:13} the classifier would link {exhaustive.linked[relation]:4d} about the same fact "
            f"(retrieval returned {exhaustive.found[relation]:4d}) and {exhaustive.chance[relation]:5d} about "
            f"different facts (retrieval returned {exhaustive.chance_found[relation]:4d})"
        )
    chance = sum(exhaustive.chance.values())
    everything = chance + sum(exhaustive.linked.values())
    returned = sum(exhaustive.found.values()) + sum(exhaustive.chance_found.values())
    print(
        f"   false links of the classifier: {chance / len(sampled):.0f} per new claim among {len(pool):,}, "
        f"{chance / max(1, everything):.1%} of all it would link; counting them as if they were right, "
        f"retrieval returned {returned / max(1, everything):.3f} of the pairs"
    )
    print(
        f"   reference: every new claim ({len(timed)}) with every stored claim about the same fact, "
        f"{recall.pairs} pairs, of which the classifier would link {total}: "
        + ", ".join(f"{relation} {recall.found[relation]}/{count}" for relation, count in sorted(recall.linked.items()))
    )
    print(
        f"   recall {recall.recall:.3f} of {total} pairs (95% interval {low:.3f}–{high:.3f}); aim ≥ {AIM_RECALL}. "
        f"Retrieval keeps the {max(latency.candidates)} best-ranked claims that share a rare word."
    )
    for first, second, relation, score in list(dict.fromkeys(recall.misses))[:3]:
        print(f"   missed ({relation}, {score:.2f}): {first!r} / {second!r}")
    print(f"   {cpu}")
    # Against the generator's own truth, over every stored claim: the claims about the same fact.
    by_kind: dict[str, list[int]] = {}
    missed: list[tuple[Claim, int]] = []
    for claim in timed:
        if planted[claim.pk]:
            counts = by_kind.setdefault(kind_of[claim.pk], [0, 0])
            counts[0] += len(planted[claim.pk])
            counts[1] += len(planted[claim.pk] & latency.candidate_ids[claim.pk])
            missed += [(claim, pk) for pk in sorted(planted[claim.pk] - latency.candidate_ids[claim.pk])]
    planted_pairs = sum(counts[0] for counts in by_kind.values())
    planted_found = sum(counts[1] for counts in by_kind.values())
    if planted_pairs:
        print(
            f"   planted pairs, linked or not: retrieval returned {planted_found} of {planted_pairs} = "
            f"{planted_found / planted_pairs:.3f}; by the new claim's kind: "
            + ", ".join(f"{kind} {found}/{pairs}" for kind, (pairs, found) in sorted(by_kind.items()))
        )
    for claim, pk in missed[:3]:
        print(f"   not retrieved ({kind_of[claim.pk]}): {claim.text!r} / {stored_by_id[pk].text!r}")

    # 3. Re-link throughput, on stored claims that have not been linked yet (as after a bulk import).
    chosen = rng.sample(stored_ids, min(relink_sample, len(stored_ids)))
    print()
    print(f"3. re-link throughput: {len(chosen):,} stored claims drawn at random, shared out between the workers")
    relinks: dict[int, float] = {}
    for workers in (1, 2):
        mark = meter.mark()
        result = relink(chosen, workers, cpus)
        cpu = meter.since(mark)
        relinks[workers] = result.per_second
        print(
            f"   {workers} worker{'s' if workers > 1 else ' '}: {result.claims:,} claims in {result.seconds:5.1f} s = "
            f"{result.per_second:5.1f} claims/s ({result.candidates / result.claims:.1f} candidates, "
            f"{result.suggested / result.claims:.2f} suggestions per claim); a full re-link of {size:,} claims: "
            f"~{size / result.per_second / 60:.0f} min"
        )
        samples = sum(result.backends.values())
        print(
            f"      workers' CPU {result.cpu_seconds:.1f} s of {workers * result.seconds:.1f} s; their database "
            "sessions, sampled: "
            + ", ".join(f"{count / samples:.0%} {state}" for state, count in result.backends.most_common())
        )
        print(f"      {cpu}")

    print()
    print("4. retrieval plan (EXPLAIN ANALYZE, BUFFERS) for the claim with the median retrieval time:")
    print(f"   {median_claim.text!r}")
    print("   " + "\n   ".join(plan.splitlines()))
    uses_index = INDEX_NAME in plan
    print(f"   uses {INDEX_NAME}: {'yes' if uses_index else 'NO'}")
    print(
        f"   rows sharing one of its rare words: {rows_matched(plan, table):,} of {size:,}, all ranked to keep 50; the "
        f"slowest query ({1000 * latency.retrieval[by_time[-1]]:.0f} ms) ranked {slowest_rows:,}: "
        f"{slowest_claim.text!r}"
    )

    # Leave the stored claims as they were for the next size: the new claims go, with their links and runs.
    new_ids = [claim.pk for claim in new_claims]
    ClaimLink.objects.filter(from_claim_id__in=new_ids).delete()
    ClaimLink.objects.filter(to_claim_id__in=new_ids).delete()
    LinkingRun.objects.filter(claim_id__in=new_ids).delete()
    Claim.objects.filter(pk__in=new_ids).delete()
    Story.objects.filter(pk=incoming.pk).delete()
    return SizeResult(
        claims=size,
        link_p50_ms=1000 * statistics.median(latency.link),
        link_p95_ms=1000 * percentile(latency.link, 95),
        retrieval_p50_ms=1000 * statistics.median(latency.retrieval),
        retrieval_p95_ms=1000 * percentile(latency.retrieval, 95),
        classifier_p95_ms=1000 * percentile(latency.classifier, 95),
        recall=recall.recall,
        recall_pairs=total,
        relink=relinks,
        uses_index=uses_index,
    )


# ---------------------------------------------------------------------------------------------------- entry point


def run(args: argparse.Namespace, cpus: set[int], meter: CpuMeter) -> list[SizeResult]:
    (version,), *_ = sql("SHOW server_version")
    settings = dict(
        sql(
            "SELECT name, setting || coalesce(unit, '') FROM pg_settings WHERE name = ANY(%s)",
            [["shared_buffers", "work_mem", "jit", "max_parallel_workers_per_gather"]],
        )
    )
    print(f"PostgreSQL {version} ({', '.join(f'{name}={value}' for name, value in sorted(settings.items()))})")

    story_ids = stories_create(STORIES)
    stream = ClaimStream(args.seed)
    claims = iter(stream)
    same_fact: dict[int, list[int]] = {}
    results = []
    have = 0
    for size in sorted(set(args.claims)):
        print()
        print(f"== {size:,} claims ==")
        seconds = claims_load(claims, story_ids, have, size, same_fact)
        print(f"loaded {size - have:,} claims with bulk_create in {seconds:.1f} s, VACUUM ANALYZE included")
        seconds = analyses_store(after=have)
        print(f"analysed and stored the analyses of those {size - have:,} claims in {seconds:.1f} s")
        have = size
        results.append(
            measure(
                size,
                stream,
                same_fact,
                new=args.new,
                sample=args.sample,
                relink_sample=args.relink,
                seed=args.seed,
                cpus=cpus,
                meter=meter,
            )
        )
    return results


def print_summary(results: Sequence[SizeResult], cpus: set[int]) -> None:
    print()
    print(
        f"{'claims':>10} {'job p50':>9} {'job p95':>9} {'query p95':>10} {'classify p95':>13} {'recall':>7} "
        f"{'pairs':>6} {'relink 1w/s':>12} {'2w/s':>6}  index"
    )
    for result in results:
        print(
            f"{result.claims:>10,} {result.link_p50_ms:>7.1f}ms {result.link_p95_ms:>7.1f}ms "
            f"{result.retrieval_p95_ms:>8.1f}ms {result.classifier_p95_ms:>11.1f}ms {result.recall:>7.3f} "
            f"{result.recall_pairs:>6} {result.relink[1]:>12.1f} {result.relink[2]:>6.1f}  "
            f"{'yes' if result.uses_index else 'NO'}"
        )
    largest = results[-1]
    print(f"aims: job p95 ≤ {AIM_P95_MS} ms at 100,000 claims, growing sub-linearly with N; recall ≥ {AIM_RECALL}")
    print(
        f"machine: {common.machine()}, {os.cpu_count()} cores ({len(cpus) or os.cpu_count()} usable); the timed job "
        f"runs on one core, the re-link workers and PostgreSQL on any; Python {platform.python_version()}"
    )
    print(
        f"claims={largest.claims} link_p50_ms={largest.link_p50_ms:.1f} link_p95_ms={largest.link_p95_ms:.1f} "
        f"recall={largest.recall:.3f} relink_1w_per_s={largest.relink[1]:.1f} relink_2w_per_s={largest.relink[2]:.1f}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--claims",
        type=common.positive_int,
        nargs="+",
        default=[10_000],
        metavar="N",
        help="stored claims to measure at, smallest first, each adding to the last (default: 10000)",
    )
    parser.add_argument(
        "--sample",
        type=common.positive_int,
        default=50,
        metavar="M",
        help="new claims in the recall measure (default: 50)",
    )
    parser.add_argument(
        "--new", type=common.positive_int, default=200, metavar="K", help="new claims linked one by one (default: 200)"
    )
    parser.add_argument(
        "--relink",
        type=common.positive_int,
        default=100,
        metavar="P",
        help="stored claims re-linked per run (default: 100)",
    )
    parser.add_argument("--seed", type=int, default=2025, help="seed of the generated claims (default: 2025)")
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="use this PostgreSQL database (it must hold no claims) instead of a new one",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="leave the embedded server running and its data folder (or, with --database-url, the rows) in place",
    )
    args = parser.parse_args(argv)
    if args.sample > args.new:
        parser.error(f"--sample {args.sample} is more than --new {args.new}: the recall sample is of the new claims")

    cpus = set(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else set()
    from core import embedded_postgres

    os.environ["DATABASE_URL"], data_dir = common.database_provide(
        args.database_url, bench="linking", database=DATABASE
    )
    server_pid = embedded_postgres.status(data_dir).pid if data_dir else None
    # The job under test runs on one core, as in one worker. Pinned only now: the server started above would
    # inherit the pin, and PostgreSQL may use every core.
    common.pin_to_one_core()
    owned = False
    try:
        setup_django()
        from django.core.management import call_command

        from claims.models import Claim

        call_command("migrate", verbosity=0, interactive=False)
        if Claim.objects.exists():
            held = Claim.objects.count()
            parser.error(f"--database-url: the database holds {held:,} claim{'s' * (held != 1)}; give one without")
        owned = True
        results = run(args, cpus, CpuMeter(server_pid))
    finally:
        if owned and args.database_url and not args.keep:
            bench_rows_delete()
        common.embedded_server_release(data_dir, keep=args.keep)
    print_summary(results, cpus)
    return 0


if __name__ == "__main__":
    sys.exit(main())
