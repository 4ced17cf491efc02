"""codemod.analysis.collation against Node's own ``String.prototype.localeCompare``.

Node is asked with ``LC_ALL=en_US.UTF-8`` because its default collator follows
the process locale (``da_DK``, ``tr_TR``, ``lt_LT`` ... reorder even ASCII);
the module emulates the root/English order.  Tests needing Node are skipped
only when ``node`` is not on PATH.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import string
import subprocess
import time
import unicodedata

import pytest

from codemod.analysis import collation
from codemod.analysis.collation import byte_order_key, locale_compare, locale_compare_key

NODE = shutil.which("node")
needs_node = pytest.mark.usefixtures("needs_node")

# Generator of the tables embedded in codemod/collation.py.  To regenerate:
#   python -c 'from tests.test_collation import GENERATOR_JS; print(GENERATOR_JS)' > gen.js
#   LC_ALL=en_US.UTF-8 node gen.js
# and paste the output (reformatted as Python literals) into the module;
# test_embedded_tables_match_node fails whenever the two disagree.
GENERATOR_JS = r"""
const base = new Intl.Collator(undefined, {sensitivity: 'base'});
const full = new Intl.Collator();
const cmp = (a, b) => a.localeCompare(b);
const group = (items, same) => {
  const out = [];
  for (const x of items) {
    const last = out[out.length - 1];
    if (last && same(last[0], x)) last.push(x); else out.push([x]);
  }
  return out.map(g => g.join(''));
};
const range = (lo, hi) => Array.from({length: hi - lo}, (_, i) => String.fromCharCode(lo + i));
// 1. ASCII: completely ignorable chars, then primary classes (each in tertiary order).
const ascii = range(0, 0x80);
const ignorable = ascii.filter(c => full.compare('a' + c + 'b', 'ab') === 0);
const classes = group(ascii.filter(c => !ignorable.includes(c)).sort(cmp),
                      (a, b) => base.compare(a, b) === 0);
// 2. Combining diacritics: secondary order of the primary-ignorable, non-decomposing marks.
const marks = range(0x300, 0x370).filter(m => m.normalize('NFD') === m
  && base.compare('a' + m, 'a') === 0 && full.compare('a' + m, 'a') !== 0);
const markClasses = group(marks.sort((x, y) => cmp('a' + x, 'a' + y)),
                          (x, y) => full.compare('a' + x, 'a' + y) === 0);
// 3. Latin letters without any Unicode decomposition (ø, ß, ı, ...).
const letters = classes.filter(c => /[a-z]/.test(c[0])).map(c => c[0]);
const extras = {};
for (const ch of [...range(0xc0, 0x180), '\u1e9e']) {
  if (!/\p{L}/u.test(ch) || ch.normalize('NFKD') !== ch) continue;
  let found = null;
  for (const l of letters) for (const L of [l, l.toUpperCase()]) for (const m of marks)
    if (!found && full.compare(L + m, ch) === 0) found = ['as', L + m];
  for (const a of letters) {
    if (!found && base.compare(a, ch) === 0) found = ['expand', a];
    for (const b of letters)
      if (!found && base.compare(a + b, ch) === 0) found = ['expand', a + b];
  }
  if (!found) {
    const below = ascii.filter(a => !ignorable.includes(a) && cmp(a, ch) < 0).sort(cmp).pop();
    found = ['after', below.toLowerCase()];
  }
  extras[ch] = found;
}
console.log(JSON.stringify({
  locale: full.resolvedOptions().locale, icu: process.versions.icu,
  ignorable: ignorable.join(''), classes, markClasses, extras,
}));
"""

# Reads {"sort": [...], "pairs": [[a, b], ...], "base_pairs": [[a, b], ...]}
# and answers with Prisma's sort and the signs of localeCompare.
ORACLE_JS = r"""
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', d => { input += d; });
process.stdin.on('end', () => {
  const req = JSON.parse(input);
  const base = new Intl.Collator(undefined, {sensitivity: 'base'});
  const sign = x => Math.sign(x);
  process.stdout.write(JSON.stringify({
    locale: new Intl.Collator().resolvedOptions().locale,
    sorted: (req.sort || []).slice().sort((a, b) => a.localeCompare(b)),
    pairs: (req.pairs || []).map(([a, b]) => sign(a.localeCompare(b))),
    base_pairs: (req.base_pairs || []).map(([a, b]) => sign(base.compare(a, b))),
  }));
});
"""


def run_node(script: str, payload: object | None = None) -> dict:
    env = {**os.environ, "LC_ALL": "en_US.UTF-8", "LANG": "en_US.UTF-8"}
    proc = subprocess.run(
        [NODE or "node", "-e", script],
        input=json.dumps(payload) if payload is not None else "",
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        check=True,
        timeout=60,
    )
    result = json.loads(proc.stdout)
    assert result["locale"] == "en-US", result["locale"]
    return result


# ---------------------------------------------------------------- examples

BATCH = "20250513_add_batch_processing"
PROJECT = "20250513022650_add_project_and_schema_models"


def test_prisma_66_reorders_short_timestamp_folders() -> None:
    # "_" sorts before every digit in ICU, but after them in byte order.
    assert sorted([PROJECT, BATCH], key=locale_compare_key) == [BATCH, PROJECT]
    assert sorted([BATCH, PROJECT], key=byte_order_key) == [PROJECT, BATCH]
    assert locale_compare(BATCH, PROJECT) == -1
    assert locale_compare(PROJECT, BATCH) == 1
    assert byte_order_key(BATCH) == BATCH.encode()


def test_icu_rules_by_example() -> None:
    chain = ["_", "-", ".", "0", "1", "10", "9", "a", "A", "ab", "aB", "Ab", "AB", "b"]
    assert sorted(reversed(chain), key=locale_compare_key) == chain
    # Primary weights of the whole string decide before any case difference.
    assert locale_compare("a_B", "A_a") == 1
    assert locale_compare("A_a", "a_B") == -1
    # Accents are secondary: decided after primaries, before case.
    assert sorted(["éa", "Ea", "eb", "ea", "eá"], key=locale_compare_key) == [
        "ea", "Ea", "eá", "éa", "eb",
    ]
    # Control characters are completely ignorable; NFC and NFD are equal.
    assert locale_compare("a\x01b", "ab") == 0
    assert locale_compare("\u00e9", "e\u0301") == 0
    assert locale_compare("20240101000000_Init", "20240101000000_Init") == 0


def test_ties_are_broken_by_bytes() -> None:
    tied = ["e\u0301", "\u00e9", "a\x01", "a"]
    assert sorted(tied, key=locale_compare_key) == ["a", "a\x01", "e\u0301", "\u00e9"]
    assert sorted(reversed(tied), key=locale_compare_key) == sorted(tied, key=locale_compare_key)


def test_fast_enough_for_10k_folders() -> None:
    rng = random.Random(1)
    names = [realistic_name(rng) for _ in range(10_000)]
    start = time.perf_counter()
    sorted(names, key=locale_compare_key)
    sorted(names, key=byte_order_key)
    assert time.perf_counter() - start < 0.5


# ------------------------------------------------------------ Node oracle

ALPHABET = string.digits + "_-. " + string.ascii_letters + "éüÉÜ"
WORDS = ["init", "Init", "add", "user", "users", "batch", "processing", "projects",
         "schema", "models", "v2", "fix", "Fix", "drop", "índex", "über", "a", "b"]
REAL_NAMES = [
    "20250513_add_batch",
    "20250513022650_add_projects",
    BATCH,
    PROJECT,
    "0001_init",
    "01_init",
    "1_init",
    "20240101000000_Init",
    "20240101000000_init",
    "20240101000000-init",
    "20240101000000 init",
    "migration-1",
    "migration_1",
    "migration-10",
    "migration-2",
    "Migration-1",
    "v2_1",
    "v2-1",
    "v2.1",
    "v10_1",
    "V2_1",
]


def realistic_name(rng: random.Random) -> str:
    stamp = "".join(rng.choice(string.digits) for _ in range(rng.choice([4, 8, 8, 14, 14, 14])))
    sep = rng.choice("__-")
    words = sep.join(rng.choice(WORDS) for _ in range(rng.randint(1, 4)))
    return stamp + sep + words


def random_name(rng: random.Random, alphabet: str = ALPHABET) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 25)))


SWAPS = {"e": "éE", "é": "eÉ", "u": "üU", "ü": "uÜ", "_": "-", "-": "_", ".": "_"}


def mutate(rng: random.Random, name: str) -> str:
    """Change a few characters so that mostly only secondary/tertiary levels differ."""
    chars = list(name)
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(chars))
        c = chars[i]
        chars[i] = rng.choice(SWAPS.get(c, c.swapcase()))
    return "".join(chars)


def name_corpus(rng: random.Random, n: int) -> list[str]:
    names = list(dict.fromkeys(REAL_NAMES))
    seen = set(names)
    while len(names) < n:
        kind = rng.random()
        if kind < 0.35:
            name = random_name(rng)
        elif kind < 0.6:
            name = realistic_name(rng)
        else:
            name = mutate(rng, rng.choice(names))
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


@needs_node
def test_embedded_tables_match_node() -> None:
    got = run_node(GENERATOR_JS)
    assert got["ignorable"] == collation.IGNORABLE_ASCII
    assert tuple(got["classes"]) == collation.ASCII_PRIMARY_CLASSES
    assert tuple(got["markClasses"]) == collation.MARK_SECONDARY_CLASSES
    assert {k: tuple(v) for k, v in got["extras"].items()} == collation.LATIN_EXTRAS


@needs_node
def test_sort_matches_node_locale_compare() -> None:
    rng = random.Random(20250513)
    # Node's sort is stable: feeding names in byte order makes its order for
    # ICU-equal names coincide with our byte-order tie break.
    names = sorted(name_corpus(rng, 4000), key=byte_order_key)
    expected = run_node(ORACLE_JS, {"sort": names})["sorted"]
    got = sorted(names, key=locale_compare_key)
    mismatches = [(i, a, b) for i, (a, b) in enumerate(zip(got, expected, strict=True)) if a != b]
    assert not mismatches, mismatches[:10]
    # The old order really differs on such trees.
    assert sorted(names, key=byte_order_key) != expected


# Characters whose weights come from the embedded tables (exact at every level).
EXACT_EXTRA = ("\u00f8\u00d8\u0111\u0110\u0142\u0141\u0127\u0126\u0131\u014b\u014a"
               "\u00fe\u00de\u0167\u0166\u0138\x01\x1f\x7f\t\n\r"
               "\u0301\u0300\u0308\u0302\u0327\u0303\u0338\u0335\u030d\u0316\u00e0\u00c5\u00f1")
# Approximated characters: only their primary weights are claimed to be exact.
PRIMARY_EXTRA = EXACT_EXTRA + (
    "\u00df\u1e9e\u00e6\u00c6\u0153\u0152\u00f0\u00d0\ufb01\u00b2\uff21\u00a0\u2013\u2028"
)


def random_pair(rng: random.Random, alphabet: str) -> tuple[str, str]:
    a = rng.choice([random_name(rng, alphabet), realistic_name(rng), rng.choice(REAL_NAMES)])
    roll = rng.random()
    if roll < 0.4:
        b = mutate(rng, a)
    elif roll < 0.6:
        i = rng.randrange(len(a) + 1)
        b = a[:i] + rng.choice(alphabet) + a[i:]
    elif roll < 0.7:
        b = unicodedata.normalize(rng.choice(["NFC", "NFD"]), a)
    else:
        b = random_name(rng, alphabet)
    return a, b


@needs_node
def test_pairwise_compare_matches_node() -> None:
    rng = random.Random(66)
    exact = [random_pair(rng, ALPHABET + EXACT_EXTRA) for _ in range(3000)]
    primary = [random_pair(rng, ALPHABET + PRIMARY_EXTRA) for _ in range(2000)]
    answer = run_node(ORACLE_JS, {"pairs": exact, "base_pairs": primary})

    got = [locale_compare(a, b) for a, b in exact]
    wrong = [(p, g, e) for p, g, e in zip(exact, got, answer["pairs"], strict=True) if g != e]
    assert not wrong, wrong[:10]

    def primary_sign(a: str, b: str) -> int:
        pa, pb = locale_compare_key(a)[0], locale_compare_key(b)[0]
        return (pa > pb) - (pa < pb)

    got_primary = [primary_sign(a, b) for a, b in primary]
    wrong = [(p, g, e) for p, g, e in zip(primary, got_primary, answer["base_pairs"], strict=True) if g != e]
    assert not wrong, wrong[:10]
