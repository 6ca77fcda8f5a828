"""Other romanisations of one Latin token: the spellings a name takes under the systems people really use.

* Chinese: Wade-Giles (Taiwanese passports, older lists: Hsi, Chin-ping, Tse-tung) read as Pinyin (Xi,
  Jinping, Zedong). Only syllables that are not themselves Pinyin are read, with and without aspiration
  (apostrophes are lost in passports: Chin is Jin or Qin).
* Russian and other Cyrillic names: the endings and letters that each system writes differently
  (Dmitriy/Dmitrii/Dmitry, Sergey/Sergej/Sergei, Yevgeny/Evgeny, Mikhail/Mihail, Tatyana/Tatiana,
  Tsoi/Tzoi), and the nominative -s Latvian adds to them (Sergejs Lavrovs).
* Japanese: Hepburn long vowels written doubled, with u or h, or not at all (Yuuko/Yuko, Oono/Ohno/Ono,
  Satou/Sato).
* Korean written in Hangul: Revised Romanisation, McCune-Reischauer and the popular spellings of each
  syllable (정 Jeong/Jong/Jung/Chung, 은 Eun/Un), see `hangul_forms`.

`romanised_forms` gives a folded key per system; two tokens sharing a form are one name romanised twice.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Every Pinyin syllable (tones dropped, ü as u).
_PINYIN_SYLLABLES = """
    a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can cang cao
    ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chuai chuan chuang chui chun
    chuo ci cong cu cuan cui cun cuo da dai dan dang dao de dei deng di dian diao die ding diu dong dou
    du duan dui dun duo e en er fa fan fang fei fen feng fo fou fu ga gai gan gang gao ge gei gen geng
    gong gou gu gua guai guan guang gui gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai
    huan huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan kang
    kao ke ken keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao le lei leng li lia
    lian liang liao lie lin ling liu long lou lu luan lue luo ma mai man mang mao mei men meng mi mian
    miao mie min ming miu mo mou mu na nai nan nang nao nei nen neng ni nian niang niao nie nin ning niu
    nong nu nuan nue nuo ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pu qi qia qian
    qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru ruan rui
    run ruo sa sai san sang sao se sen seng sha shai shan shang shao she shen sheng shi shou shu shua
    shuai shuan shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang tao te teng ti
    tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wu xi xia xian xiang
    xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin ying yong you yu yuan yue yun
    za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhen zheng zhi zhong zhou zhu zhua
    zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo"""
_PINYIN = frozenset(_PINYIN_SYLLABLES.split())
# Wade-Giles initials and the Pinyin initials they stand for (aspiration marks lost: both readings).
_WG_INITIALS = (
    ("hs", ("x",)),
    ("ch", ("zh", "ch", "j", "q")),
    ("ts", ("z", "c")),
    ("tz", ("z", "c")),
    ("ss", ("s",)),
    ("sz", ("s",)),
    ("sh", ("sh",)),
    ("j", ("r",)),
    ("k", ("g", "k")),
    ("p", ("b", "p")),
    ("t", ("d", "t")),
    ("", ("",)),
)
# Wade-Giles finals as Pinyin writes them (checked longest first).
_WG_FINALS = (
    ("iung", "iong"),
    ("ung", "ong"),
    ("ieh", "ie"),
    ("ueh", "ue"),
    ("ien", "ian"),
    ("uei", "ui"),
    ("erh", "er"),
    ("ih", "i"),
    ("eh", "e"),
)
_NOT_WADE_GILES = re.compile(r"ong|ian(?!g)|ue(?![hi])")
_ZERO_INITIAL = {"i": "yi", "in": "yin", "ing": "ying", "u": "wu", "yu": "you"}


@lru_cache(maxsize=50_000)
def wade_giles_readings(syllable: str) -> frozenset[str]:
    """Pinyin readings of a Wade-Giles syllable that is not Pinyin itself: hsi -> xi, chin -> jin/qin,
    tse -> ze/ce, tung -> dong/tong; empty for anything else (Pinyin, longer words, other names)."""
    if syllable in _PINYIN or len(syllable) > 6 or _NOT_WADE_GILES.search(syllable):
        return frozenset()  # Pinyin already, or a final Wade-Giles never writes (Korean Jong, Chong)
    readings: set[str] = set()
    for wg, pinyin_initials in _WG_INITIALS:
        if not syllable.startswith(wg):
            continue
        final = _wg_final(wg, syllable[len(wg) :])
        if wg == "ch":
            # ch before i is Pinyin j/q (chin -> jin), chih and the rest zh/ch (chih -> zhi, chou -> zhou)
            palatal = final.startswith("i") and not syllable.startswith("chih")
            pinyin_initials = ("j", "q") if palatal else ("zh", "ch")
        for initial in pinyin_initials:
            readings.add(_ZERO_INITIAL.get(final, final) if not initial else initial + final)
        break
    return frozenset(r for r in readings if r in _PINYIN)


def _wg_final(initial: str, final: str) -> str:
    if initial in ("tz", "ss", "sz") and final == "u":
        return "i"  # tzu -> zi, ssu -> si
    for wg, pinyin in _WG_FINALS:
        if final.endswith(wg):
            return final[: -len(wg)] + pinyin
    if final == "o" and initial in ("k", "h", ""):
        return "e"  # ko -> ge, ho -> he
    if final == "o":
        return "uo"  # to -> duo, lo -> luo
    return final


# Cyrillic romanisations: the same letter written differently by each system (folded one way).
_SLAVIC_FOLDS = (
    (re.compile(r"(?<=[^aeiou])(?:iy|ij|ii|yy|y)$"), "i"),  # -ий, -ый: Dmitriy/Dmitrii/Dmitry
    (re.compile(r"(?:ey|ej)$"), "ei"),  # -ей: Sergey/Sergej/Sergei
    (re.compile(r"^ye"), "e"),  # initial Е: Yevgeny/Evgeny, Yelena/Elena
    (re.compile(r"(?<=[aeiou])kh|(?<=.)kh(?=[aeiou])"), "h"),  # inner Х: Mikhail/Mihail, Akhmed/Ahmed
    (re.compile(r"tz"), "ts"),  # Ц: Tzoi/Tsoi, Kravetz/Kravets
    (re.compile(r"x"), "ks"),  # Maxim/Maksim
    (re.compile(r"(?<=[bcdfghklmnprstvz])[yj](?=[aeiou])"), "i"),  # Я, Ю, Е after a consonant: Tatyana
)
# Latvian adds a nominative -s to a man's name (Sergejs, Lavrovs, Vladimirs); these are its stems.
_BALTIC_S = re.compile(r"(?:ov|ev|ij|ej|aj|dr|ir)s$")
# Japanese (Hepburn): long vowels written ou/oo/oh/uu or plain. Only words that are Japanese syllables.
_JAPANESE = re.compile(
    r"^(?:(?:[kgsztdnhbpmrfj]|sh|ch|ts|[kgnhbpmr]y)?(?:[aeiou]|[aeo]h(?![aeiouy]|n(?![aeiouy])))|y[auo]h?|w[ao]"
    r"|n(?![aeiouy])"
    r"|[kstp](?=[kstp]))+$"
)
_JAPANESE_LONG = (
    (re.compile(r"o[ou]|oh(?![aeiouy]|n(?![aeiouy]))"), "o"),
    (re.compile(r"uu"), "u"),
    (re.compile(r"aa"), "a"),
)


@lru_cache(maxsize=200_000)
def romanised_forms(norm: str) -> frozenset[str]:
    """Folded spellings of a Latin token, one per romanisation phenomenon it shows (itself included)."""
    forms = {norm, _slavic(norm)}
    if _BALTIC_S.search(norm):
        forms.add(_slavic(norm[:-1]))
    if len(norm) >= 3 and _JAPANESE.match(norm):
        forms.add(japanese_short_vowels(norm))
    forms.update(wade_giles_readings(norm))
    return frozenset(forms)


def _slavic(norm: str) -> str:
    for pattern, replacement in _SLAVIC_FOLDS:
        norm = pattern.sub(replacement, norm)
    return norm


def japanese_short_vowels(norm: str) -> str:
    """Hepburn long vowels written short: Ryuutarou -> ryutaro, Ohno -> ono."""
    for pattern, replacement in _JAPANESE_LONG:
        norm = pattern.sub(replacement, norm)
    return norm


# Hangul jamo (initial, medial, final) and how the usual systems write each (RR first).
_H_INITIAL = (
    ("g", "k"), ("kk", "gg"), ("n",), ("d", "t"), ("tt",), ("r", "l", "n"), ("m",), ("b", "p"), ("pp",),
    ("s", "sh"), ("ss",), ("",), ("j", "ch"), ("jj",), ("ch",), ("k",), ("t",), ("p",), ("h",),
)  # fmt: skip
_H_MEDIAL = (
    ("a",), ("ae",), ("ya",), ("yae",), ("eo", "o", "u"), ("e",), ("yeo", "yo", "yu"), ("ye",), ("o", "oh"),
    ("wa",), ("wae",), ("oe", "oi"), ("yo",), ("u", "oo"), ("wo",), ("we",), ("wi",), ("yu", "yoo"),
    ("eu", "u"), ("ui",), ("i", "ee"),
)  # fmt: skip
_H_FINAL = (
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t",
    "ng", "t", "t", "k", "t", "p", "t",
)  # fmt: skip
# Surnames whose usual spelling no system gives (이 Lee, 박 Park): added to the generated forms.
_KOREAN_SURNAMES = {
    "이": ("lee", "yi", "rhee", "ri", "rhie"),
    "리": ("lee", "ri", "rhee"),
    "박": ("park", "pak"),
    "노": ("roh", "noh"),
    "로": ("roh",),
    "임": ("lim", "rim"),
    "림": ("lim", "rim"),
    "류": ("ryu", "yoo", "yu", "ryoo", "lyu"),
    "유": ("yoo", "yu", "ryu"),
    "안": ("ahn",),
    "손": ("sohn",),
    "허": ("hur", "huh"),
    "서": ("suh",),
    "오": ("oh",),
    "우": ("woo",),
    "백": ("paik",),
    "신": ("shin",),
    "김": ("kim",),
}


@lru_cache(maxsize=20_000)
def hangul_forms(syllable: str) -> frozenset[str]:
    """Every usual romanisation of one Hangul syllable: RR, McCune-Reischauer without breves, and popular
    spellings (정 -> jeong, jong, jung, cheong, chong, chung; 이 -> i, yi, lee, rhee ...)."""
    code = ord(syllable) - 0xAC00
    if not 0 <= code < 11172:
        return frozenset()
    initial, rest = divmod(code, 588)
    medial, final = divmod(rest, 28)
    forms = {
        i + m + _H_FINAL[final]
        for i in _H_INITIAL[initial]
        for m in _H_MEDIAL[medial]
        if not (final and m.endswith("h"))
    }
    forms.update(_KOREAN_SURNAMES.get(syllable, ()))
    return frozenset(forms)


def hangul_reading(syllable: str) -> str | None:
    """The spelling a Hangul surname or syllable most often has in passports (이 -> lee, 김 -> kim)."""
    popular = _KOREAN_SURNAMES.get(syllable)
    return popular[0] if popular else None
