"""Match names across sources: romanisation, word order, punctuation.

``match_keys`` turns a name into keys; two names match when their key sets
meet. Folding is deliberately coarse for Korean romanisations
(McCune-Reischauer "Ch'oe Sŏn-hŭi", Revised "Choe Seon-hui", press spellings
"Choi Sun Hee"), so a match is a candidate, not proof: the importers link a
designee to an existing node only when exactly one node matches.

>>> bool(match_keys("Ch'oe Sŏn-hŭi", person=True) & match_keys("Choi Seon-hee", person=True))
True
>>> bool(match_keys("Kim Jong Un", person=True) & match_keys("Jong-un Kim", person=True))
True
>>> bool(match_keys("Ri Won Ho", person=True) & match_keys("Lee Won-ho", person=True))
True
>>> bool(match_keys("Kim Jong Un", person=True) & match_keys("Kim Jong Nam", person=True))
False
>>> sorted(match_keys("FOREIGN TRADE BANK (FTB)"))
['fdb', 'foreigndradebang']
"""

from __future__ import annotations

import re
import unicodedata

# Whole-word spellings of Korean family names, to one form each.
FAMILY_NAMES = {
    "lee": "ri", "li": "ri", "yi": "ri", "rhee": "ri", "rhi": "ri", "i": "ri", "rhie": "ri",
    "choi": "choe", "chwe": "choe", "choe": "choe",
    "park": "pak", "bak": "pak", "pak": "pak",
    "ryu": "yu", "yoo": "yu", "rhyu": "yu",
    "roh": "ro", "noh": "ro", "no": "ro",
    "ahn": "an", "oh": "o", "shin": "sin", "jung": "jong", "chung": "jong",
}
# Organisation words written several ways.
WORDS = {"corporation": "corp", "company": "co", "limited": "ltd", "incorporated": "inc",
         "organisation": "organization", "centre": "center"}
STOP = {"and", "the"}
_APOSTROPHES = re.compile(r"['’ʼ‘`´]")
# Applied in order to each word: vowel then consonant spellings of one sound.
_SPELLINGS = [
    ("eo", "o"), ("eu", "u"), ("oo", "u"), ("ee", "i"), ("ui", "i"),
    ("ph", "p"), ("th", "t"), ("kh", "k"), ("tch", "ch"), ("sh", "s"),
    ("ch", "j"), ("k", "g"), ("t", "d"), ("p", "b"),
]
_DOUBLE = re.compile(r"(.)\1")


def fold(text: str) -> list[str]:
    """Words of a name: no accents, case, apostrophes or punctuation.

    >>> fold("Ch'oe Sŏn-hŭi")
    ['choe', 'son', 'hui']
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = _APOSTROPHES.sub("", text)
    return re.sub(r"[^\w]+", " ", text).split()


def _canon(word: str) -> str:
    word = FAMILY_NAMES.get(word, WORDS.get(word, word))
    if not word.isascii():
        return word
    for a, b in _SPELLINGS:
        word = word.replace(a, b)
    return _DOUBLE.sub(r"\1", word)


def _keys(words: list[str], person: bool) -> set[str]:
    words = [_canon(w) for w in words if w not in STOP]
    if not words:
        return set()
    keys = {"".join(words)}
    if person:  # family name first or last: "Kim Jong Un" = "Jong Un Kim" (one word: itself)
        keys.add("".join(words[1:] + words[:1]))
        keys.add("".join(words[-1:] + words[:-1]))
    return keys


def match_keys(name: str, *, person: bool = False) -> set[str]:
    """Keys under which ``name`` matches other spellings of it.

    A trailing or inner parenthesis is an abbreviation or a gloss: the name
    matches with and without it, and the abbreviation matches alone.

    >>> sorted(match_keys("Kim Jong Un", person=True))   # sounds folded: k/g, t/d, ...
    ['gimjongun', 'jongungim', 'ungimjong']
    >>> match_keys("Vladimir Putin", person=True) == match_keys("Putin Vladimir", person=True)
    True
    >>> match_keys("Putin", person=True), match_keys("Kim Jong Un")
    ({'budin'}, {'gimjongun'})
    >>> sorted(match_keys("Kim Jong Un (Supreme Leader)", person=True))   # a gloss is no person's name
    ['gimjongun', 'jongungim', 'subremeleader', 'ungimjong']
    """
    inner = re.findall(r"\(([^)]*)\)", name)
    if not inner:
        return _keys(fold(name), person)
    keys = _keys(fold(re.sub(r"\([^)]*\)", " ", name)), person)
    for part in inner:
        keys |= _keys(fold(part), person=False)
    return keys


def is_weak(key: str) -> bool:
    """A short key (an abbreviation such as ``mid``) is weak evidence of identity.

    >>> is_weak("mid"), is_weak("komd"), is_weak("komid")
    (True, True, False)
    """
    return len(key) <= 4
