"""Country names as sanctions lists write them ('Korea, North', 'Burma', 'Palestinian') -> ISO alpha-3.

`paxvet.countries.to_alpha3` knows ISO codes and official names; lists also use common, historical and
adjectival names. Historical states keep their ISO 3166-3 codes (SUN, YUG, SCG, ANT) and Kosovo its
widely used user-assigned code XKX, because a passport from those states still identifies a person.
"""

from __future__ import annotations

import re
from functools import lru_cache

from paxvet.countries import to_alpha3

HISTORICAL = {"SUN", "YUG", "SCG", "ANT", "CSK", "DDR", "XKX"}

_SYNONYMS = {
    "russia": "RUS",
    "burma": "MMR",
    "korea, north": "PRK",
    "north korea": "PRK",
    "korea, south": "KOR",
    "south korea": "KOR",
    "republic of korea": "KOR",
    "palestinian": "PSE",
    "palestine": "PSE",
    "west bank": "PSE",
    "gaza strip": "PSE",
    "gaza": "PSE",
    "congo, democratic republic of the": "COD",
    "democratic republic of the congo": "COD",
    "congo, republic of the": "COG",
    "republic of the congo": "COG",
    "bosnia-herzegovina": "BIH",
    "turkey": "TUR",
    "turkiye": "TUR",
    "macedonia": "MKD",
    "north macedonia": "MKD",
    "north macedonia, the republic of": "MKD",
    "macedonia, the former yugoslav republic of": "MKD",
    "the former yugoslav republic of macedonia": "MKD",
    "cote d ivoire": "CIV",
    "ivory coast": "CIV",
    "brunei": "BRN",
    "cape verde": "CPV",
    "swaziland": "SWZ",
    "holy see": "VAT",
    "micronesia": "FSM",
    "the bahamas": "BHS",
    "bahamas, the": "BHS",
    "gambia, the": "GMB",
    "the gambia": "GMB",
    "iran (islamic republic of)": "IRN",
    "syrian arab republic": "SYR",
    "kosovo": "XKX",
    "ussr": "SUN",
    "former soviet union": "SUN",
    "car": "CAF",
    # adjectives that lists use in document descriptions ('Syrian passport number ...')
    "afghan": "AFG",
    "syrian": "SYR",
    "iraqi": "IRQ",
    "iranian": "IRN",
    "russian": "RUS",
    "sudanese": "SDN",
    "yemeni": "YEM",
    "libyan": "LBY",
    "egyptian": "EGY",
    "saudi": "SAU",
    "somali": "SOM",
    "lebanese": "LBN",
    "kuwaiti": "KWT",
    "jordanian": "JOR",
    "tunisian": "TUN",
    "pakistani": "PAK",
    "indonesian": "IDN",
    "malaysian": "MYS",
    "filipino": "PHL",
    "belarusian": "BLR",
    "ukrainian": "UKR",
    "venezuelan": "VEN",
    "colombian": "COL",
    "mexican": "MEX",
    "chinese": "CHN",
    "british": "GBR",
    "french": "FRA",
    "german": "DEU",
    "italian": "ITA",
    "spanish": "ESP",
    "turkish": "TUR",
    "moroccan": "MAR",
    "algerian": "DZA",
    "nigerian": "NGA",
    "kenyan": "KEN",
    "soviet union": "SUN",
    "union of soviet socialist republics": "SUN",
    "yugoslavia": "YUG",
    "serbia and montenegro": "SCG",
    "netherlands antilles": "ANT",
    "czechoslovakia": "CSK",
    "united states": "USA",
    "united states of america": "USA",
    "great britain": "GBR",
    "united kingdom of great britain and northern ireland": "GBR",
    "venezuela (bolivarian republic of)": "VEN",
    "bolivia (plurinational state of)": "BOL",
    "lao people's democratic republic": "LAO",
    "republic of moldova": "MDA",
    "united republic of tanzania": "TZA",
    "viet nam": "VNM",
    "state of palestine": "PSE",
    "occupied palestinian territory": "PSE",
    "kyrgyz republic": "KGZ",
    "slovak republic": "SVK",
    "timor-leste": "TLS",
    "east timor": "TLS",
    "cabo verde": "CPV",
    "eswatini": "SWZ",
    "curacao": "CUW",
    "sint maarten": "SXM",
    "st. kitts and nevis": "KNA",
    "st. lucia": "LCA",
    "st. vincent and the grenadines": "VCT",
    "region: crimea": "UKR",
    "crimea": "UKR",
}

_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=8192)
def country_code(text: str | None) -> str | None:
    """ISO alpha-3 (or a historical code) for a code or a country name; None when unknown."""
    value = _SPACES.sub(" ", (text or "").strip().strip(".").strip())
    value = re.sub(r"^region:\s*", "", value, flags=re.IGNORECASE)
    if not value:
        return None
    upper = value.upper()
    if upper in HISTORICAL:
        return upper
    key = value.lower().replace("’", "'")
    if key in _SYNONYMS:
        return _SYNONYMS[key]
    code = to_alpha3(value)
    if code is None and "(" in value:  # 'Iran (Islamic Republic of)', 'Korea (North)'
        code = to_alpha3(value.split("(")[0].strip())
    return code


def leading_country(text: str, max_words: int = 4) -> str | None:
    """The country a description starts with: 'Sudan number 123, issued...' -> SDN; None if none."""
    words = re.split(r"[\s,.()]+", text.strip())
    for count in range(min(max_words, len(words)), 0, -1):
        code = country_code(" ".join(words[:count]))
        if code is not None:
            return code
    return None
