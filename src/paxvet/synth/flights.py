"""Synthetic international flights into Mexican and US airports: real routes, the carriers that fly them,
block times, and schedules in each airport's local time (time zones from `airportsdata`)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import airportsdata

from paxvet.countries import to_alpha3

# arrival airport -> (origin, carriers flying it, block time in minutes)
ROUTES: dict[str, list[tuple[str, str, int]]] = {
    "MEX": [
        ("MAD", "IB AM", 720), ("BOG", "AV AM", 285), ("LAX", "AM Y4 DL", 230), ("IAH", "UA AM", 155),
        ("JFK", "AM DL", 320), ("MIA", "AA AM", 215), ("CDG", "AF AM", 720), ("LIM", "LA AM", 345),
        ("PTY", "CM", 240), ("ORD", "AA AM", 275), ("NRT", "AM NH", 795), ("FRA", "LH", 740),
        ("DFW", "AA", 150), ("ATL", "DL AM", 225), ("SCL", "LA AM", 560), ("GRU", "AM LA", 600),
    ],
    "CUN": [
        ("JFK", "B6 DL AA", 245), ("ORD", "UA AA", 225), ("DFW", "AA", 150), ("YYZ", "AC WS", 235),
        ("MIA", "AA", 110), ("ATL", "DL", 140), ("LHR", "BA", 620), ("MAD", "IB", 600), ("BOG", "AV", 200),
        ("DEN", "UA", 245), ("EWR", "UA", 240),
    ],
    "GDL": [("LAX", "Y4 VB AM", 200), ("SFO", "Y4 AM", 240), ("ORD", "Y4 AM", 265), ("DFW", "AA Y4", 160),
            ("IAH", "UA", 150), ("PHX", "AA", 140), ("SJC", "Y4", 230)],
    "MTY": [("IAH", "UA", 95), ("DFW", "AA", 105), ("ATL", "DL", 190), ("BOG", "VB", 300),
            ("PTY", "CM", 260), ("LAS", "VB", 200)],
    "TIJ": [("PVG", "MU", 760), ("GUA", "Y4", 300), ("SAL", "Y4", 310)],
    "IAH": [("MEX", "UA AM", 160), ("MTY", "UA", 95), ("GDL", "UA", 150), ("BOG", "UA AV", 300),
            ("FRA", "LH UA", 665), ("LHR", "BA UA", 640), ("CUN", "UA", 145)],
    "LAX": [("MEX", "AM DL Y4", 240), ("GDL", "Y4 AM", 215), ("NRT", "NH JL", 630), ("ICN", "KE OZ", 660),
            ("SYD", "QF", 840), ("LHR", "BA VS", 660), ("PVG", "MU", 720)],
    "JFK": [("MEX", "AM DL", 300), ("CUN", "B6 DL", 240), ("LHR", "BA VS AA", 480), ("CDG", "AF DL", 510),
            ("BOG", "AV", 340), ("DXB", "EK", 840), ("MAD", "IB", 495), ("SVO", "SU", 600)],
    "MIA": [("MEX", "AA AM", 210), ("CUN", "AA", 105), ("BOG", "AV AA", 210), ("LIM", "LA AA", 340),
            ("MAD", "IB", 575), ("PTY", "CM", 170), ("GRU", "AA LA", 520)],
}  # fmt: skip
MEXICAN_AIRPORTS = ("MEX", "CUN", "GDL", "MTY", "TIJ")
US_AIRPORTS = ("IAH", "LAX", "JFK", "MIA")
ARRIVAL_AIRPORTS = MEXICAN_AIRPORTS + US_AIRPORTS
CARRIER_NAMES = {
    "AM": "AEROMEXICO", "Y4": "VOLARIS", "VB": "VIVA AEROBUS", "AA": "AMERICAN AIRLINES", "UA": "UNITED",
    "DL": "DELTA", "IB": "IBERIA", "AV": "AVIANCA", "CM": "COPA", "AF": "AIR FRANCE", "LH": "LUFTHANSA",
    "BA": "BRITISH AIRWAYS", "NH": "ANA", "KE": "KOREAN AIR", "LA": "LATAM", "B6": "JETBLUE",
    "AC": "AIR CANADA", "WS": "WESTJET", "MU": "CHINA EASTERN", "JL": "JAPAN AIRLINES", "OZ": "ASIANA",
    "QF": "QANTAS", "VS": "VIRGIN ATLANTIC", "EK": "EMIRATES", "SU": "AEROFLOT",
}  # fmt: skip
# Crew come from the carrier's home country.
CARRIER_COUNTRY = {
    "AM": "MEX", "Y4": "MEX", "VB": "MEX", "AA": "USA", "UA": "USA", "DL": "USA", "B6": "USA", "IB": "ESP",
    "AV": "COL", "CM": "COL", "AF": "FRA", "LH": "DEU", "BA": "GBR", "VS": "GBR", "NH": "JPN", "JL": "JPN",
    "KE": "KOR", "OZ": "KOR", "LA": "BRA", "AC": "CAN", "WS": "CAN", "MU": "CHN", "QF": "GBR", "EK": "GBR",
    "SU": "RUS",
}  # fmt: skip


@dataclass(frozen=True)
class SynthFlight:
    """One scheduled flight leg; times are local at each airport, as PAXLST carries them."""

    carrier: str
    number: str
    origin: str
    destination: str
    departure_local: datetime
    arrival_local: datetime

    @property
    def code(self) -> str:
        return f"{self.carrier}{self.number}"


@lru_cache(maxsize=1)
def _airports() -> dict[str, airportsdata.Airport]:
    return airportsdata.load("IATA")


def airport_country(iata: str) -> str:
    """Alpha-3 country of an airport ('MEX' -> 'MEX', 'JFK' -> 'USA')."""
    return to_alpha3(_airports()[iata]["country"]) or "USA"


def airport_zone(iata: str) -> ZoneInfo:
    return ZoneInfo(_airports()[iata]["tz"])


def schedule(rng: random.Random, day: date, airports: tuple[str, ...], count: int) -> list[SynthFlight]:
    """`count` flights arriving on `day` (local date at the arrival airport), each with its own number."""
    used: set[tuple[str, str]] = set()
    flights = []
    for index in range(count):
        destination = airports[index % len(airports)]
        origin, carriers, minutes = rng.choice(ROUTES[destination])
        carrier = rng.choice(carriers.split())
        number = _flight_number(rng, carrier, used)
        arrival = datetime.combine(
            day, time(rng.randint(5, 23), rng.choice((0, 5, 10, 20, 25, 35, 40, 50, 55)))
        )
        arrival_utc = arrival.replace(tzinfo=airport_zone(destination))
        departure = (arrival_utc - timedelta(minutes=minutes)).astimezone(airport_zone(origin))
        flights.append(
            SynthFlight(carrier, number, origin, destination, departure.replace(tzinfo=None), arrival)
        )
    return flights


def _flight_number(rng: random.Random, carrier: str, used: set[tuple[str, str]]) -> str:
    while True:
        number = str(rng.randint(1, 2999) if len(used) < 2500 else rng.randint(1, 9999))
        if (carrier, number) not in used:
            used.add((carrier, number))
            return number
