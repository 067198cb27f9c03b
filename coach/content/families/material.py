"""Realistic material that hangs together: people, companies, places, money, dates.

Every draw goes through `Draw`, a `random.Random` seeded with a string (hashed
by SHA-512 in CPython since 3.2, so the same on every platform and version).
Only `random()`, `randrange()`, `choice()`, `shuffle()` and `sample()` are used;
their outputs for a given state have not changed across supported versions.
Pools are tuples, never sets, so nothing depends on hash order.
"""

from __future__ import annotations

import builtins
import random
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TypeVar

T = TypeVar("T")

FIRST_NAMES = (
    "Amelia",
    "Priya",
    "Tom",
    "Hannah",
    "Oliver",
    "Aisha",
    "James",
    "Grace",
    "Mohammed",
    "Chloe",
    "Daniel",
    "Sofia",
    "Ravi",
    "Emma",
    "Kwame",
    "Lucy",
    "Callum",
    "Zara",
    "Ben",
    "Fatima",
    "Ewan",
    "Isla",
    "Marek",
    "Niamh",
    "Owen",
    "Leah",
    "Sanjay",
    "Ruth",
    "Joel",
    "Megan",
    "Tariq",
    "Eleanor",
)
SURNAMES = (
    "Patel",
    "Hughes",
    "Okoro",
    "Walsh",
    "Nair",
    "Becker",
    "Lind",
    "Morgan",
    "Khan",
    "Fraser",
    "Evans",
    "Ahmed",
    "Doyle",
    "Shaw",
    "Campbell",
    "Mensah",
    "Price",
    "Rossi",
    "Kowalski",
    "Murphy",
    "Bell",
    "Singh",
    "Reid",
    "Barker",
    "Chen",
    "Lloyd",
    "Harper",
    "Quinn",
    "Ellis",
    "Osei",
)
COMPANY_STEMS = (
    "Hallam",
    "Brightwater",
    "Northgate",
    "Calder",
    "Pennine",
    "Severn",
    "Ashdown",
    "Kestrel",
    "Thistle",
    "Millbrook",
    "Harbour",
    "Foxley",
    "Greystone",
    "Larkspur",
    "Redcliffe",
    "Wexford",
    "Oakridge",
    "Tamar",
    "Cobalt",
    "Fenwick",
)
COMPANY_TRADES = (
    ("Foods", "food"),
    ("Logistics", "logistics"),
    ("Print", "print"),
    ("Facilities", "facilities"),
    ("Software", "software"),
    ("Catering", "catering"),
    ("Office Supplies", "office"),
    ("Cleaning Services", "cleaning"),
    ("Engineering", "engineering"),
    ("Digital", "digital"),
)
UK_CITIES = (
    "Leeds",
    "Bristol",
    "Manchester",
    "Glasgow",
    "Cardiff",
    "Sheffield",
    "Nottingham",
    "Edinburgh",
    "Newcastle",
    "Birmingham",
    "Norwich",
    "Exeter",
    "York",
    "Belfast",
    "Southampton",
    "Leicester",
)
# What a supplier of each trade sells: (item, unit price range in pence).
PRODUCTS: dict[str, tuple[tuple[str, int, int], ...]] = {
    "food": (
        ("Catering trays", 1800, 4500),
        ("Fruit boxes", 1200, 2600),
        ("Sandwich platters", 2400, 6000),
        ("Coffee beans (1 kg)", 1400, 2800),
    ),
    "logistics": (
        ("Pallet delivery", 4500, 12000),
        ("Same-day courier", 2500, 7000),
        ("Storage (per week)", 3000, 9000),
        ("Returns handling", 800, 2400),
    ),
    "print": (
        ("Brochures (box of 250)", 6000, 15000),
        ("Business cards (500)", 2500, 6000),
        ("Pull-up banners", 5500, 11000),
        ("Letterheads (1,000)", 4000, 9000),
    ),
    "facilities": (
        ("Desk moves", 3500, 8000),
        ("Light fittings", 1500, 4200),
        ("Air-con service", 9000, 22000),
        ("Door access cards", 300, 900),
    ),
    "software": (
        ("Seat licences", 900, 4500),
        ("Support hours", 6000, 12000),
        ("Onboarding workshop", 40000, 90000),
        ("API add-on", 5000, 15000),
    ),
    "catering": (
        ("Lunch buffets", 900, 1800),
        ("Tea and coffee service", 300, 700),
        ("Dietary meals", 1100, 2200),
        ("Evening canapés", 1500, 3500),
    ),
    "office": (
        ("Printer paper (box)", 1800, 3200),
        ("Toner cartridges", 4500, 11000),
        ("Desk chairs", 9000, 26000),
        ("Whiteboard markers (pack)", 400, 1200),
    ),
    "cleaning": (
        ("Office clean (per visit)", 8000, 20000),
        ("Window cleaning", 6000, 15000),
        ("Carpet deep clean", 12000, 30000),
        ("Washroom supplies", 2000, 6000),
    ),
    "engineering": (
        ("Site survey", 40000, 95000),
        ("Calibration visit", 15000, 40000),
        ("Spare parts kit", 6000, 18000),
        ("Engineer day rate", 45000, 75000),
    ),
    "digital": (
        ("Landing page build", 60000, 150000),
        ("SEO audit", 35000, 90000),
        ("Ad campaign setup", 25000, 70000),
        ("Monthly analytics report", 15000, 40000),
    ),
}
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class Draw:
    """A seeded draw for one (family, version, seed): the only randomness a generator uses."""

    def __init__(self, family: str, version: builtins.int, seed: builtins.int) -> None:
        self.seed = seed
        self._rng = random.Random(f"{family}:{version}:{seed}")

    def random(self) -> float:
        return self._rng.random()

    def int(self, low: builtins.int, high: builtins.int) -> builtins.int:
        """An integer in [low, high]."""
        return low + self._rng.randrange(high - low + 1)

    def pick(self, items: Sequence[T]) -> T:
        return items[self._rng.randrange(len(items))]

    def sample(self, items: Sequence[T], k: builtins.int) -> list[T]:
        return self._rng.sample(list(items), k)

    def shuffled(self, items: Sequence[T]) -> list[T]:
        out = list(items)
        self._rng.shuffle(out)
        return out

    def chance(self, p: float) -> bool:
        return self._rng.random() < p

    # --- people, companies, places ------------------------------------------

    def person(self) -> str:
        return f"{self.pick(FIRST_NAMES)} {self.pick(SURNAMES)}"

    def people(self, k: builtins.int) -> list[str]:
        """k people with distinct first names and surnames (no two Patels to confuse)."""
        firsts = self.sample(FIRST_NAMES, k)
        lasts = self.sample(SURNAMES, k)
        return [f"{a} {b}" for a, b in zip(firsts, lasts, strict=True)]

    def company(self) -> tuple[str, str]:
        """(name, trade) of a UK company."""
        name, trade = self.pick(COMPANY_TRADES)
        return f"{self.pick(COMPANY_STEMS)} {name} Ltd", trade

    def city(self) -> str:
        return self.pick(UK_CITIES)

    def day(self, start: date, span_days: builtins.int) -> date:
        return start + timedelta(days=self.int(0, span_days))

    def year(self) -> builtins.int:
        return self.int(2025, 2027)


def email_of(person: str, company: str) -> str:
    first, last = person.lower().split(" ", 1)
    domain = company.lower().replace(" ltd", "").replace(" ", "")
    return f"{first}.{last.replace(' ', '')}@{domain}.co.uk"


def gbp(pence: int) -> str:
    """£1,234.56 (pence as an integer: money is never a float here)."""
    sign = "-" if pence < 0 else ""
    pounds, p = divmod(abs(pence), 100)
    return f"{sign}£{pounds:,}.{p:02d}"


def plain_money(pence: int) -> str:
    """1234.56: the number a CSV or JSON carries."""
    pounds, p = divmod(abs(pence), 100)
    return f"{'-' if pence < 0 else ''}{pounds}.{p:02d}"


def vat(pence: int, rate_percent: int = 20) -> int:
    """UK VAT on a net amount, rounded half up to the penny."""
    return (pence * rate_percent + 50) // 100


def long_date(day: date) -> str:
    """31 March 2026 (UK, day first)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def ordinal_date(day: date) -> str:
    """1st April 2026."""
    suffix = (
        "th" if 11 <= day.day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10, "th")
    )
    return f"{day.day}{suffix} {MONTHS[day.month - 1]} {day.year}"


def slash_date(day: date) -> str:
    """01/03/2026: day first, as a UK sender writes it."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def us_slash_date(day: date) -> str:
    """03/01/2026: month first, as a US sender writes it."""
    return f"{day.month:02d}/{day.day:02d}/{day.year}"


def short_month_date(day: date) -> str:
    """14 Apr 2026."""
    return f"{day.day} {MONTHS[day.month - 1][:3]} {day.year}"


def weekday(day: date) -> str:
    return ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")[
        day.weekday()
    ]
