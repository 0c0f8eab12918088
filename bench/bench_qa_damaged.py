#!/usr/bin/env python3
"""Defects found and false alarms of each QA check family on damaged memories and clean look-alikes.

Usage (from the project root):
    PYTHONPATH=src python bench/bench_qa_damaged.py [--eval DIR] [--profile fr-FR] [--show N] [--direction fr-en]

Clean units are the gold beads of ``../shared/eval/dev`` (``<doc>.gold`` over ``<doc>.fr.sent`` and
``<doc>.en.sent``; beads with both sides, the sentences of a side joined by a space), read at run
time and never copied. Each is checked FR->EN and EN->FR. Then each damager below makes, from every
clean unit it applies to, one damaged copy (a French phrase left in the English target, a number
changed, an address changed...), and a unit counts as *found* for a family when that family raises an
alarm (a finding of severity warning or error) on the damaged copy that the clean one does not have
(another check id or message: a unit whose numbers already differ is found when the message changes).
Look-alikes are the clean units without any alarm, given a legitimate feature that resembles a defect
(a Geneva premises kept in French in English, "nous nous", a localised address, a time): any alarm on
one is false.

Prints, per damage: units damaged, found by the family meant to find it, found by any family; per
family: false alarms (units with an alarm of that family) per 100 clean units and per 100
look-alikes; and, per family, the alarms on clean units grouped by cause (check id and, for
typography, the mark and the space found). Families a damage is meant for that are not registered
on this branch (omission, misalignment) are reported as such; their damage is still counted as
found by any family.
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from bilingual_pr.qa import families  # noqa: E402
from bilingual_pr.qa.model import Finding, Segment  # noqa: E402
from bilingual_pr.qa.runner import run_checks  # noqa: E402

ALARM = frozenset({"warning", "error"})


@dataclass(frozen=True)
class Unit:
    """A clean French/English pair and the document it comes from."""

    doc: str
    fr: str
    en: str


def gold_units(eval_dir: Path) -> list[Unit]:
    """The gold beads of every dev document that have both sides, as clean units."""
    units = []
    for gold in sorted(eval_dir.glob("*.gold")):
        doc = gold.name[:-len(".gold")]
        fr = (eval_dir / f"{doc}.fr.sent").read_text(encoding="utf-8").splitlines()
        en = (eval_dir / f"{doc}.en.sent").read_text(encoding="utf-8").splitlines()
        for line in gold.read_text(encoding="utf-8").splitlines():
            left, right = (ast.literal_eval(side) for side in line.split(":"))
            if left and right:
                units.append(Unit(doc, " ".join(fr[i] for i in left), " ".join(en[i] for i in right)))
    return units


# ------------------------------------------------------------------ damagers
# Each takes (source, target, source_lang, target_lang, the next unit's target) and gives the damaged
# target, or the damaged (source, target) pair, or None when the unit offers nothing to damage.

_FR_PHRASE = re.compile(r"\b[^\W\d_]{4,} (?:de la|de l['’]|des|du|de|d['’]|aux|pour les|pour la|sur les)"
                        r" ?[^\W\d_]{3,}(?: [^\W\d_]{3,})?")
_EN_PHRASE = re.compile(r"\b(?:the )?[a-z]{4,} (?:of the|of|for the|with the|to the|by the|and the)"
                        r" [A-Za-z]{3,}(?: [a-z]{3,})?")
_WORDS3 = re.compile(r"\b[a-zà-ÿ]{3,} [a-zà-ÿ]{2,} [a-zà-ÿ]{3,}\b")


def _partial(src: str, tgt: str, sl: str, tl: str, nxt: str) -> str | None:
    """A source-language phrase of the source put in place of three words of the target."""
    m = (_FR_PHRASE if sl == "fr" else _EN_PHRASE).search(src)
    spot = [w for w in _WORDS3.finditer(tgt) if w.start() >= len(tgt) // 3] or list(_WORDS3.finditer(tgt))
    if m is None or not spot:
        return None
    w = spot[0]
    return tgt[:w.start()] + m.group() + tgt[w.end():]


def _whole(src: str, tgt: str, sl: str, tl: str, nxt: str) -> str | None:
    return src if len(src.split()) >= 4 else None


_DIGITS = re.compile(r"\d+")


def _number(src: str, tgt: str, sl: str, tl: str, nxt: str) -> str | None:
    """The first number of the target changed (one digit more)."""
    if not _DIGITS.search(src):
        return None
    m = _DIGITS.search(tgt)
    return None if m is None else tgt[:m.end()] + "7" + tgt[m.end():]


_ADDR = {"fr": " (voir www.ungeneva.org/fr/news-media/2024 ou press@un.org)",
         "en": " (see www.ungeneva.org/en/news-media/2024 or press@un.org)"}
_SYM = {"fr": " (document A/HRC/55/12)", "en": " (document A/HRC/55/12)"}


def _with(extra: dict[str, str], src: str, tgt: str, sl: str, tl: str) -> tuple[str, str]:
    return _append(src, extra[sl]), _append(tgt, extra[tl])


_END = re.compile(r"[ \u00a0\u202f]?[.!?][\u00a0\u202f ]*[»”\"]?$")


def _append(text: str, extra: str) -> str:
    """``extra`` put before the sentence's final mark (and the space and closing quote with it)."""
    text = text.rstrip()
    m = _END.search(text)
    return text[:m.start()] + extra + m.group() if m else text + extra


def _address(src: str, tgt: str, sl: str, tl: str, nxt: str) -> tuple[str, str]:
    s, t = _with(_ADDR, src, tgt, sl, tl)
    return s, t.replace("news-media/2024", "news-media/2023")


def _email(src: str, tgt: str, sl: str, tl: str, nxt: str) -> tuple[str, str]:
    s, t = _with(_ADDR, src, tgt, sl, tl)
    return s, t.replace("press@un.org", "press@unog.ch")


def _symbol(src: str, tgt: str, sl: str, tl: str, nxt: str) -> tuple[str, str]:
    s, t = _with(_SYM, src, tgt, sl, tl)
    return s, t.replace("A/HRC/55/12", "A/HRC/55/13")


_CONTENT = re.compile(r"(?<![\w’'-])[a-zà-ÿ]{5,}(?![\w’'-])")


def _doubled(src: str, tgt: str, sl: str, tl: str, nxt: str) -> str | None:
    m = _CONTENT.search(tgt, len(tgt) // 4)
    return None if m is None else tgt[:m.end()] + " " + m.group() + tgt[m.end():]


_FR_MARK_SPACE = re.compile(r"(?<=\w)[ \u00a0\u202f](?=[:;!?»])|(?<=«)[ \u00a0\u202f]")
_FR_COMMA = re.compile(r"(?<=[a-zà-ÿ]), (?=[a-zà-ÿ])")


def _typo_fr(src: str, tgt: str, sl: str, tl: str, nxt: str) -> tuple[str, str] | None:
    """On the French side (whichever its role): the space of a mark removed."""
    fr = src if sl == "fr" else tgt
    m = _FR_MARK_SPACE.search(fr)
    if m is None:
        return None
    broken = fr[:m.start()] + fr[m.end():]
    return (broken, tgt) if sl == "fr" else (src, broken)


def _typo_fr_colon(src: str, tgt: str, sl: str, tl: str, nxt: str) -> tuple[str, str] | None:
    """On the French side of a unit without a spaced mark: a comma turned into a colon without its space."""
    fr = src if sl == "fr" else tgt
    m = None if _FR_MARK_SPACE.search(fr) else _FR_COMMA.search(fr)
    if m is None:
        return None
    broken = fr[:m.start()] + ": " + fr[m.end():]
    return (broken, tgt) if sl == "fr" else (src, broken)


_EN_MARK = re.compile(r"(?<=\w)(?=[:;?!](?:\s|$))|(?<=[a-z]), (?=[a-z])")


def _typo_en(src: str, tgt: str, sl: str, tl: str, nxt: str) -> str | None:
    """An English target given a French space before its colon (or a comma turned into one)."""
    if tl != "en":
        return None
    m = _EN_MARK.search(tgt)
    if m is None:
        return None
    return tgt[:m.start()] + " " + tgt[m.end():] if m.group() == "" else tgt[:m.start()] + " : " + tgt[m.end():]


def _double_space(src: str, tgt: str, sl: str, tl: str, nxt: str) -> str | None:
    i = tgt.find(" ", len(tgt) // 2)
    return None if i < 0 else tgt[:i] + "  " + tgt[i + 1:]


def _bracket(src: str, tgt: str, sl: str, tl: str, nxt: str) -> tuple[str, str] | None:
    """An aside in brackets on both sides, its closing bracket dropped from the target."""
    s, t = _append(src, " (2024)"), _append(tgt, " (2024)")
    return s, t.replace("2024)", "2024", 1)


_TAG_WORD = re.compile(r"\b[^\W\d_]{4,}\b")


def _bold(text: str, close: bool = True) -> str | None:
    """The first long word of ``text`` in <b>...</b> (its closing tag left out unless ``close``)."""
    m = _TAG_WORD.search(text)
    if m is None:
        return None
    return text[:m.start()] + "<b>" + m.group() + ("</b>" if close else "") + text[m.end():]


def _tag(src: str, tgt: str, sl: str, tl: str, nxt: str) -> tuple[str, str] | None:
    """The first long word of each side in <b>...</b>, the target's closing tag dropped."""
    s, t = _bold(src), _bold(tgt, close=False)
    return None if s is None or t is None else (s, t)


def _cut(src: str, tgt: str, sl: str, tl: str, nxt: str) -> str | None:
    """The target cut after its first half, at a word boundary."""
    if len(tgt.split()) < 10:
        return None
    i = tgt.rfind(" ", 0, len(tgt) // 2)
    return tgt[:i] + "." if i > 0 else None


def _neighbour(src: str, tgt: str, sl: str, tl: str, nxt: str) -> str | None:
    return nxt if nxt and nxt != tgt else None


Damager = Callable[[str, str, str, str, str], "str | tuple[str, str] | None"]

#: damage name -> (the damager, what a family name contains to be the one meant to find it)
DAMAGES: dict[str, tuple[Damager, tuple[str, ...]]] = {
    "partial untranslated phrase": (_partial, ("untranslated",)),
    "whole target untranslated": (_whole, ("untranslated",)),
    "number changed": (_number, ("numbers",)),
    "document symbol changed": (_symbol, ("numbers",)),
    "web address changed": (_address, ("addresses",)),
    "e-mail address changed": (_email, ("addresses",)),
    "doubled word": (_doubled, ("repetition",)),
    "French spacing broken": (_typo_fr, ("typography",)),
    "French colon put in without space": (_typo_fr_colon, ("typography",)),
    "French space before an English colon": (_typo_en, ("typography",)),
    "double space": (_double_space, ("spacing",)),
    "unbalanced bracket": (_bracket, ("spacing",)),
    "unpaired inline tag": (_tag, ("tags",)),
    "target cut": (_cut, ("omission", "length", "complete")),
    "neighbour's target": (_neighbour, ("misalign", "alignment", "mismatch")),
}

# Look-alikes: (family they tempt, French addition, English addition), put on both sides.
LOOKALIKES: tuple[tuple[str, str, str], ...] = (
    ("untranslated", " au Palais des Nations", " at the Palais des Nations"),
    ("untranslated", " à la Maison de la paix, près de la place des Nations",
     " at the Maison de la paix, near the Place des Nations"),
    ("untranslated", ", a déclaré Jean-Pierre de la Fontaine", ", said Jean-Pierre de la Fontaine"),
    ("untranslated", ", en Côte d'Ivoire et au Parc des Bastions", ", in Côte d'Ivoire and in the Parc des Bastions"),
    ("repetition", ". Nous nous en félicitons", ". We welcome this"),
    ("addresses", " (www.ungeneva.org/fr/media)", " (www.ungeneva.org/en/media)"),
    ("numbers", " à 10 h 30, avec trois experts", " at 10.30 a.m., with 3 experts"),
)


def _lookalike(src: str, tgt: str, sl: str, tl: str, fr_add: str, en_add: str) -> tuple[str, str]:
    add = {"fr": fr_add, "en": en_add}
    return _append(src, add[sl]), _append(tgt, add[tl])


# ------------------------------------------------------------------ evaluation


def _segments(units: list[Unit], direction: str) -> list[Segment]:
    sl, tl = direction.split("-")
    return [Segment(i, getattr(u, sl), getattr(u, tl), sl, tl, None, u.doc) for i, u in enumerate(units)]


def _alarms(segs: list[Segment], profile: str, chosen: list[str]) -> dict[int, list[Finding]]:
    report = run_checks(lambda: iter(segs), profile=profile, families=chosen)
    out: dict[int, list[Finding]] = defaultdict(list)
    for f in report.findings:
        out[f.unit].append(f)
    return out


def _alarm_keys(findings: Iterable[Finding], family: str) -> set[tuple[str, str]]:
    """The alarms of a family as (check, message): a damage is found when it adds one (or changes its message)."""
    return {(f.check, f.message) for f in findings if f.family == family and f.severity in ALARM}


def _new_alarm(found: list[Finding], before: list[Finding], family: str) -> bool:
    return bool(_alarm_keys(found, family) - _alarm_keys(before, family))


@dataclass
class Result:
    """What one evaluation measured, for one direction."""

    units: int
    lookalike_units: int
    false_alarms: Counter  # family -> clean units with an alarm of it
    lookalike_alarms: Counter  # family -> look-alike units with an alarm of it
    damaged: Counter  # damage -> units damaged
    found_own: Counter  # damage -> found by the family meant for it
    found_any: Counter  # damage -> found by any family
    own_family: dict  # damage -> the registered family meant for it (None: not on this branch)
    causes: dict  # family -> Counter of causes of its clean alarms
    examples: dict  # family or damage -> [(segment, findings)]


def _cause(f: Finding, seg: Segment) -> str:
    if f.family != "typography":
        return f.check
    spans = f.source_spans or f.target_spans
    text = seg.source if f.source_spans else seg.target
    s, e = spans[0]
    mark = text[e:e + 1] if f.message.find("after “«”") < 0 else "«"
    return f"{f.check} {f.severity} {mark!r} {('space ' + repr(text[s:e])) if e > s else 'no space'}"


def evaluate(units: list[Unit], direction: str, profile: str = "fr-FR") -> Result:
    """Check the clean units, their look-alikes and every damaged copy; count found defects and false alarms.

    Each document is one memory: its clean units are checked together (the typography family judges a
    mark against its document's usage), and a damaged unit is checked in its document's memory, the
    other units clean, so that each defect is met as a reviewer meets a slip in a memory.
    """
    chosen = list(families.names())
    sl, tl = direction.split("-")
    clean = _segments(units, direction)
    docs: dict[str | None, list[int]] = defaultdict(list)
    for i, seg in enumerate(clean):
        docs[seg.doc].append(i)

    def in_memory(i: int, seg: Segment) -> list[Finding]:
        """The findings of unit ``i`` replaced by ``seg`` in its document's memory."""
        memory = [seg if k == i else clean[k] for k in docs[seg.doc]]
        return _alarms(memory, profile, chosen).get(i, [])

    base: dict[int, list[Finding]] = {}
    for members in docs.values():
        base.update(_alarms([clean[k] for k in members], profile, chosen))
    res = Result(len(clean), 0, Counter(), Counter(), Counter(), Counter(), Counter(), {}, defaultdict(Counter),
                 defaultdict(list))
    for i, seg in enumerate(clean):
        for fam in {f.family for f in base.get(i, []) if f.severity in ALARM}:
            res.false_alarms[fam] += 1
            for f in base[i]:
                if f.family == fam and f.severity in ALARM:
                    res.causes[fam][_cause(f, seg)] += 1
            res.examples[fam].append((seg, [f for f in base[i] if f.family == fam]))
    # Look-alikes: only units without any alarm get one (it is then the only thing that may raise one);
    # one memory per document and look-alike.
    quiet = {i for i in range(len(clean)) if not any(f.severity in ALARM for f in base.get(i, []))}
    for _, fa, ea in LOOKALIKES:
        for members in docs.values():
            looks = []
            for k in members:
                seg = clean[k]
                if k in quiet:
                    src, tgt = _lookalike(seg.source, seg.target, sl, tl, fa, ea)
                    seg = replace(seg, source=src, target=tgt)
                looks.append(seg)
            got = _alarms(looks, profile, chosen)
            for seg in looks:
                if seg.index not in quiet:
                    continue
                res.lookalike_units += 1
                found = got.get(seg.index, [])
                for fam in {f.family for f in found if f.severity in ALARM}:
                    res.lookalike_alarms[fam] += 1
                    res.examples["look-alike " + fam].append((seg, [f for f in found if f.family == fam]))
    registered = families.names()
    for name, (damage, meant) in DAMAGES.items():
        own = next((n for n in registered if any(k in n for k in meant)), None)
        res.own_family[name] = own
        for i, seg in enumerate(clean):
            nxt = clean[i + 1].target if i + 1 < len(clean) and clean[i + 1].doc == seg.doc else ""
            out = damage(seg.source, seg.target, sl, tl, nxt)
            if out is None:
                continue
            src, tgt = (seg.source, out) if isinstance(out, str) else out
            if (src, tgt) == (seg.source, seg.target):
                continue
            res.damaged[name] += 1
            # Damages that add text to both sides are compared with the same addition undamaged.
            twin = _twin(name, seg, sl, tl)
            before = base.get(i, []) if twin is None else in_memory(i, twin)
            found = in_memory(i, replace(seg, source=src, target=tgt))
            fams = {f.family for f in found if _new_alarm(found, before, f.family)}
            if fams:
                res.found_any[name] += 1
            if own in fams:
                res.found_own[name] += 1
            elif len(res.examples[name]) < 50:
                res.examples[name].append((replace(seg, source=src, target=tgt), found))
    return res


def _twin(name: str, seg: Segment, sl: str, tl: str) -> Segment | None:
    """The undamaged twin of a damage that adds text to both sides (None for the others)."""
    if name == "document symbol changed":
        s, t = _with(_SYM, seg.source, seg.target, sl, tl)
    elif name in ("web address changed", "e-mail address changed"):
        s, t = _with(_ADDR, seg.source, seg.target, sl, tl)
    elif name == "unbalanced bracket":
        s, t = _append(seg.source, " (2024)"), _append(seg.target, " (2024)")
    elif name == "unpaired inline tag":
        bs, bt = _bold(seg.source), _bold(seg.target)
        if bs is None or bt is None:
            return None
        s, t = bs, bt
    else:
        return None
    return replace(seg, source=s, target=t)


def print_result(res: Result, label: str, show: int) -> None:
    """The per-damage and per-family tables of one evaluation."""
    print(f"\n{label}: {res.units} clean units, {res.lookalike_units} look-alikes")
    print(f"  {'damage':<38} {'units':>5} {'found by its family':>22} {'by any family':>14}")
    for name in DAMAGES:
        n = res.damaged[name]
        if not n:
            print(f"  {name:<38} {0:>5}  (nothing to damage)")
            continue
        own = res.own_family[name]
        own_txt = (f"{100 * res.found_own[name] / n:5.1f} % ({own})" if own else "no such family here")
        print(f"  {name:<38} {n:>5} {own_txt:>22} {100 * res.found_any[name] / n:>12.1f} %")
    print(f"  {'family':<14} {'false alarms /100 clean':>24} {'/100 look-alikes':>17}")
    for fam in families.names():
        print(f"  {fam:<14} {100 * res.false_alarms[fam] / res.units:>24.2f} "
              f"{100 * res.lookalike_alarms[fam] / max(res.lookalike_units, 1):>17.2f}")
    for fam, causes in res.causes.items():
        print(f"  causes of {fam} alarms on clean units:")
        for cause, n in causes.most_common():
            print(f"    {n:>4}  {cause}")
    if show:
        for key, items in res.examples.items():
            for seg, found in items[:show]:
                print(f"  [{key}] {seg.doc}\n      S: {seg.source}\n      T: {seg.target}")
                for f in found:
                    print(f"      {f.severity} [{f.check}] {f.message}")


def main() -> None:
    """Evaluate the dev gold units in both directions and print the tables."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--eval", type=Path,
                    default=Path(os.environ.get("BILINGUAL_PR_EVAL", ROOT.parent / "shared" / "eval")) / "dev")
    ap.add_argument("--profile", default="fr-FR")
    ap.add_argument("--direction", choices=("fr-en", "en-fr", "both"), default="both")
    ap.add_argument("--show", type=int, default=0, help="print up to N examples per family and damage")
    args = ap.parse_args()
    units = gold_units(args.eval)
    for direction in (("fr-en", "en-fr") if args.direction == "both" else (args.direction,)):
        print_result(evaluate(units, direction, args.profile), f"dev gold {direction}, profile {args.profile}",
                     args.show)


if __name__ == "__main__":
    main()
