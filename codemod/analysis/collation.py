"""Sort orders Prisma has used for migration folder names.

Prisma >= 6.6 orders ``prisma/migrations/*`` with JavaScript's
``names.sort((a, b) => a.localeCompare(b))``: Node's ICU collator for the
default locale with no options.  Older Prisma sorted by bytes.  A tree whose
folder names order differently under the two rules (e.g. ``20250513_x`` vs
``20250513022650_y``) silently changes its apply order on upgrade, so the
codemod must reproduce both orders exactly, in pure Python, for 10k names.

``locale_compare_key`` emulates the ICU *root* collation (what ``en-US``,
``C`` and ``C.UTF-8`` resolve to) as a three-level comparison:

* primary   -- base characters: whitespace < punctuation < symbols < digits
  < letters, letters case-insensitive; no numeric collation (``"10" < "9"``);
* secondary -- accents (combining marks after NFD), compared only when the
  primary weights of the *whole* strings are equal;
* tertiary  -- case (lower before upper), compared only when both primary
  and secondary weights of the whole strings are equal.

Control characters are completely ignorable.  The weights for all of ASCII,
for the combining diacritics U+0300..U+036F and for the Latin letters that
have no Unicode decomposition (ø, ß, ł, ...) are embedded tables derived from
Node itself (see ``GENERATOR_JS`` in ``tests/test_collation.py``, which also
checks that they are still current).  Everything else is approximated:
compatibility characters take the weights of their NFKD form plus a tertiary
difference, other spaces sort just before " ", other dashes just after "-",
other punctuation/symbols between ASCII symbols and digits (ICU interleaves
them with the ASCII ones, e.g. "!" < "¡" < "?"), and any other character
after the Latin letters by code point.

Beware: Node takes its default locale from ``LC_ALL``/``LC_*``/``LANG``.  Under
e.g. ``da_DK`` (upper case first, ``aa`` after ``z``), ``tr_TR`` (``I`` is
not ``i``), ``lt_LT`` (``y`` sorts as ``i``), ``et_EE``, ``hu_HU`` or
``cs_CZ`` (``ch`` after ``h``) even ASCII names order differently from what
this module computes; that order is root/English only.
"""

from __future__ import annotations

import unicodedata
from typing import Final

__all__ = [
    "ICU_VERSION",
    "byte_order_key",
    "locale_compare",
    "locale_compare_key",
]

#: ICU version of the Node (v20.20.2) the tables below were generated with.
ICU_VERSION: Final = "78.2"

# --------------------------------------------------------------------------
# Tables generated from Node: ``LC_ALL=en_US.UTF-8 node -e "$GENERATOR_JS"``
# with GENERATOR_JS from tests/test_collation.py.  Do not edit by hand;
# ``test_embedded_tables_match_node`` fails when Node's ICU disagrees.
# --------------------------------------------------------------------------

#: ASCII characters that ICU ignores completely (``"a\x01b" == "ab"``).
IGNORABLE_ASCII: Final = (
    "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11\x12\x13\x14\x15"
    "\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f"
)

#: Every other ASCII character, grouped into primary-equal classes in
#: ascending primary order; inside a class, in ascending tertiary order.
ASCII_PRIMARY_CLASSES: Final = (
    "\t", "\n", "\x0b", "\x0c", "\r", " ", "_", "-", ",", ";", ":", "!", "?",
    ".", "'", '"', "(", ")", "[", "]", "{", "}", "@", "*", "/", "\\", "&",
    "#", "%", "`", "^", "+", "<", "=", ">", "|", "~", "$",
    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
    "aA", "bB", "cC", "dD", "eE", "fF", "gG", "hH", "iI", "jJ", "kK", "lL",
    "mM", "nN", "oO", "pP", "qQ", "rR", "sS", "tT", "uU", "vV", "wW", "xX",
    "yY", "zZ",
)

#: Combining diacritics (primary-ignorable) in ascending secondary order;
#: the marks of one string are secondary-equal (and tertiary-equal).
MARK_SECONDARY_CLASSES: Final = (
    "\u0332", "\u0313", "\u0314", "\u0301", "\u0300", "\u0306", "\u0302",
    "\u030c", "\u030a", "\u0342", "\u0308", "\u030b", "\u0303", "\u0307",
    "\u0338", "\u0327", "\u0328", "\u0304",
    "\u030d\u030e\u0312\u0315\u031a\u033d\u033e\u033f\u0346\u034a\u034b"
    "\u034c\u0350\u0351\u0352\u0357\u035b\u035d\u035e",
    "\u0316\u0317\u0318\u0319\u031c\u031d\u031e\u031f\u0320\u0329\u032a"
    "\u032b\u032c\u032f\u0333\u033a\u033b\u033c\u0347\u0348\u0349\u034d"
    "\u034e\u0353\u0354\u0355\u0356\u0359\u035a\u035c\u035f\u0362",
    "\u0336\u0337", "\u0335", "\u0305", "\u0309", "\u030f", "\u0310",
    "\u0311", "\u031b", "\u0321", "\u0322", "\u0323", "\u0324", "\u0325",
    "\u0326", "\u032d", "\u032e", "\u0330", "\u0331", "\u0334", "\u0339",
    "\u0345", "\u0358", "\u0360", "\u0361",
)

#: Latin letters without a Unicode decomposition.  ``("as", s)``: collates
#: exactly like ``s``; ``("expand", s)``: primary-equal to ``s`` (secondary
#: differs, approximated); ``("after", c)``: own primary right after ``c``.
LATIN_EXTRAS: Final[dict[str, tuple[str, str]]] = {
    "\xc6": ("expand", "ae"), "\xe6": ("expand", "ae"),
    "\xd0": ("expand", "d"), "\xf0": ("expand", "d"),
    "\xd8": ("as", "O\u0338"), "\xf8": ("as", "o\u0338"),
    "\xde": ("after", "z"), "\xfe": ("after", "z"),
    "\xdf": ("expand", "ss"), "\u1e9e": ("expand", "ss"),
    "\u0110": ("as", "D\u0335"), "\u0111": ("as", "d\u0335"),
    "\u0126": ("as", "H\u0335"), "\u0127": ("as", "h\u0335"),
    "\u0131": ("after", "i"),
    "\u0138": ("after", "q"),
    "\u0141": ("as", "L\u0335"), "\u0142": ("as", "l\u0335"),
    "\u014a": ("after", "n"), "\u014b": ("after", "n"),
    "\u0152": ("expand", "oe"), "\u0153": ("expand", "oe"),
    "\u0166": ("after", "t"), "\u0167": ("after", "t"),
}

# --------------------------------------------------------------------------
# Weight encoding.  Each level is a ``str`` of weight characters, so a sort
# key is a tuple of plain strings: Python compares them lexicographically,
# and a proper prefix sorts first -- exactly ICU's rule that a string whose
# weights run out first is smaller.  Weights that must be ordered by code
# point are two characters: a lead weight reserved for that group followed by
# ``chr(code point)``; leads never collide with single weights.
# --------------------------------------------------------------------------

_P_STEP = 0x10  # gap between ASCII classes leaves room for "after" letters
_P_BASE = 0x100


def _primary_weight(class_index: int) -> str:
    return chr(_P_BASE + _P_STEP * class_index)


_CLASS_INDEX: Final = {
    ch: i for i, cls in enumerate(ASCII_PRIMARY_CLASSES) for ch in cls
}
# Non-ASCII spaces without a compatibility decomposition (U+2028, NEL...):
# after the ASCII control whitespace, before " ".
_P_SPACE_LEAD: Final = chr(ord(_primary_weight(_CLASS_INDEX[" "])) - _P_STEP // 2)
# Non-ASCII dashes (U+2010..U+2015, ...): right after "-".
_P_DASH_LEAD: Final = chr(ord(_primary_weight(_CLASS_INDEX["-"])) + _P_STEP // 2)
# Other non-ASCII punctuation/symbols: between the last ASCII symbol and "0".
_P_SYMBOL_LEAD: Final = chr(ord(_primary_weight(_CLASS_INDEX["0"])) - _P_STEP // 2)
# Unknown letters/scripts: after every Latin letter (ICU: Greek, Cyrillic,
# ..., CJK all follow Latin, roughly in code point order).
_P_OTHER_LEAD: Final = _primary_weight(len(ASCII_PRIMARY_CLASSES))

_S_COMMON: Final = "\x05"  # secondary of every base character
_S_EXPANSION: Final = "\x06"  # ß, æ, œ, ð: above common (approximation)
_S_MARK_BASE: Final = 0x10
_S_OTHER_MARK_LEAD: Final = chr(_S_MARK_BASE + len(MARK_SECONDARY_CLASSES))

# Tertiary: lower case (and caseless) < compatibility variant < upper case
# < upper-case compatibility variant, e.g. a < ａ < A < Ａ.
_T_LOWER: Final = "\x01"
_T_LOWER_COMPAT: Final = "\x02"
_T_UPPER: Final = "\x03"
_T_UPPER_COMPAT: Final = "\x04"
_T_COMPAT: Final = {_T_LOWER: _T_LOWER_COMPAT, _T_UPPER: _T_UPPER_COMPAT}

_Weights = tuple[str, str, str]  # (primary, secondary, tertiary)
_IGNORABLE: Final[_Weights] = ("", "", "")

# Fast path tables for str.translate(): one weight character per character.
_ASCII_PRIMARY: Final[dict[int, str | None]] = {ord(c): None for c in IGNORABLE_ASCII}
_ASCII_TERTIARY: Final[dict[int, str | None]] = {ord(c): None for c in IGNORABLE_ASCII}
for _i, _cls in enumerate(ASCII_PRIMARY_CLASSES):
    for _j, _ch in enumerate(_cls):
        _ASCII_PRIMARY[ord(_ch)] = _primary_weight(_i)
        _ASCII_TERTIARY[ord(_ch)] = (_T_LOWER, _T_UPPER)[_j]

_MARK_SECONDARY: Final = {
    m: chr(_S_MARK_BASE + i) for i, cls in enumerate(MARK_SECONDARY_CLASSES) for m in cls
}


def _case_tertiary(ch: str) -> str:
    return _T_UPPER if ch != ch.lower() else _T_LOWER


def _is_ignorable(ch: str) -> bool:
    """ICU ignores controls (except NEL), format chars, CGJ, variation selectors."""
    cp = ord(ch)
    if cp == 0x85:  # NEL is whitespace in ICU
        return False
    if unicodedata.category(ch) in ("Cc", "Cf"):
        return True
    return (
        cp == 0x34F
        or 0x180B <= cp <= 0x180F
        or 0xFE00 <= cp <= 0xFE0F
        or 0xE0100 <= cp <= 0xE01EF
    )


def _join(parts: list[_Weights]) -> _Weights:
    return (
        "".join(p for p, _, _ in parts),
        "".join(s for _, s, _ in parts),
        "".join(t for _, _, t in parts),
    )


def _compute_weights(ch: str) -> _Weights:
    """Weights of one NFD-normalised character (slow path, memoised)."""
    if ch.isascii():
        p = _ASCII_PRIMARY[ord(ch)]
        return (p, _S_COMMON, _ASCII_TERTIARY[ord(ch)] or "") if p else _IGNORABLE
    if ch in _MARK_SECONDARY:
        return ("", _MARK_SECONDARY[ch], _T_LOWER)
    extra = LATIN_EXTRAS.get(ch)
    if extra is not None:
        kind, target = extra
        if kind == "as":
            return _join([_weights(c) for c in target])
        tertiary = _case_tertiary(ch)
        if kind == "expand":
            primary = target.translate(_ASCII_PRIMARY)
            return (primary, _S_EXPANSION * len(primary), tertiary * len(primary))
        # "after": own primary in the gap after the class of ``target``.
        return (chr(ord(_ASCII_PRIMARY[ord(target)] or "") + 1), _S_COMMON, tertiary)
    if _is_ignorable(ch):
        return _IGNORABLE
    compat = unicodedata.normalize("NFKD", ch)
    if compat != ch:  # ﬁ, ², Ａ, NBSP, ...: NFKD weights + tertiary difference
        p, s, t = _join([_weights(c) for c in compat])
        return (p, s, "".join(_T_COMPAT.get(x, x) for x in t))
    category = unicodedata.category(ch)
    if category[0] == "M":
        return ("", _S_OTHER_MARK_LEAD + ch, _T_LOWER)
    if category == "Nd":
        digit = str(unicodedata.decimal(ch))
        return (_ASCII_PRIMARY[ord(digit)] or "", _S_COMMON, _T_LOWER_COMPAT)
    if category[0] == "Z" or ord(ch) == 0x85:
        return (_P_SPACE_LEAD + ch, _S_COMMON, _T_LOWER)
    if category == "Pd":
        return (_P_DASH_LEAD + ch, _S_COMMON, _T_LOWER)
    if category[0] in "PS":
        return (_P_SYMBOL_LEAD + ch, _S_COMMON, _T_LOWER)
    lower = ch.lower()
    if len(lower) != 1:
        lower = ch
    return (_P_OTHER_LEAD + lower, _S_COMMON, _case_tertiary(ch))


_WEIGHT_CACHE: dict[str, _Weights] = {}


def _weights(ch: str) -> _Weights:
    w = _WEIGHT_CACHE.get(ch)
    if w is None:
        w = _WEIGHT_CACHE[ch] = _compute_weights(ch)
    return w


def _utf8(name: str) -> bytes:
    try:
        return name.encode("utf-8", "surrogateescape")  # os.listdir() names
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogatepass")


def byte_order_key(name: str) -> bytes:
    """Sort key for the pre-6.6 Prisma order: plain UTF-8 byte comparison."""
    return _utf8(name)


def _levels(name: str) -> _Weights:
    if name.isascii():  # fast path: one weight character per character
        primary = name.translate(_ASCII_PRIMARY)
        return (primary, _S_COMMON * len(primary), name.translate(_ASCII_TERTIARY))
    return _join([_weights(c) for c in unicodedata.normalize("NFD", name)])


def locale_compare_key(name: str) -> tuple[str, str, str, bytes]:
    """Sort key reproducing ``names.sort((a, b) => a.localeCompare(b))``.

    The key is ``(primary, secondary, tertiary, utf8_bytes)``.  Names that ICU
    considers equal (``localeCompare`` returns 0: e.g. NFC vs NFD spellings of
    ``é``, or names differing only by control characters) are ordered by
    their UTF-8 bytes, so the result is deterministic; Node's stable sort
    would keep them in ``readdir`` order instead.  Prisma folder names are
    unique, so this only matters for such pathological pairs.
    """
    primary, secondary, tertiary = _levels(name)
    return (primary, secondary, tertiary, _utf8(name))


def locale_compare(a: str, b: str) -> int:
    """Emulate ``a.localeCompare(b)``: -1, 0 or 1 (0 for ICU-equal names)."""
    ka, kb = _levels(a), _levels(b)
    return (ka > kb) - (ka < kb)
