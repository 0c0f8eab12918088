"""Omissions and additions: a target much shorter or longer than its source would be.

"Much" is judged with the aligner's length model (``align.length``: the language
pair's character ratio and Gale–Church's variance per character), not a fixed
percentage: a 40-character title may move by a third, a 300-character sentence
may not. A length deviation alone is not enough: concise official English is
legitimate, so the deviation must come with content that one side has and the
other lacks (the aligner's anchors, ``align.anchors.extract_anchors``: numbers,
names, acronyms, quoted text, word stems), or a sentence more on one side (the project's segmentation rules).
Anchors are read only for the few units whose length already deviates, so the
check costs a length computation on most units.

Thresholds were set on the dev pairs of ``../shared/eval/dev`` (correct 1-1
units against the same units cut or extended):
``bench/bench_qa_length_alignment.py --family omission``; figures in docs/qa.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from bilingual_pr.language import base_language
from bilingual_pr.qa.model import CheckSetup, Family, Finding, Segment, UnitCheck, finding
from bilingual_pr.segment import segment_text

#: Below this deviation (in standard deviations of the length model) the lengths agree: nothing more is read
#: (about 5 % of the WMT news units pass it; at 1.0 about 2 % more of the damaged dev units were found, for
#: 13 µs a unit instead of 7).
SCREEN = 1.2
#: How much the content evidence counts: the share of one side's anchor mass the other side lacks, less
#: the same share the other way (near 0 for a translation, up to 1 when one side lacks everything).
SHARE_WEIGHT = 2.0
#: A unit is reported when its deviation plus the weighted content evidence reaches this...
THRESHOLD = 2.2
#: ...and it is an error from this score on (a warning below).
STRONG = 3.5


def sentence_count(text: str, lang: str = "fr") -> int:
    """Sentences in one segment, by the project's segmentation rules (``segment.segment_text``)."""
    return max(len(segment_text(text, lang)), 1)


def _length(text: str) -> int:
    # The aligner's measure (align.length.sentence_lengths): runs of whitespace count once.
    return len(" ".join(text.split())) if "  " in text or not text.isprintable() else len(text.strip())


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the check weighed for one unit: the length deviation, the lacking content, the sentence counts."""

    deviation: float
    #: share of the source's anchor mass the target lacks, less the share of the target's the source lacks
    share: float = 0.0
    source_sentences: int = 1
    target_sentences: int = 1

    def score(self, verdict: str) -> float:
        """How strongly the evidence says ``omission`` (or ``addition``): deviation and content together."""
        sign = -1.0 if verdict == "omission" else 1.0
        return sign * (self.deviation - SHARE_WEIGHT * self.share)

    @property
    def verdict(self) -> str | None:
        """``omission``, ``addition`` or None."""
        if self.deviation <= -SCREEN and (self.score("omission") >= THRESHOLD
                                          or self.source_sentences > self.target_sentences):
            return "omission"
        if self.deviation >= SCREEN and (self.score("addition") >= THRESHOLD
                                         or self.target_sentences > self.source_sentences):
            return "addition"
        return None


def _lacking_share(keys: dict[str, float], other: dict[str, float]) -> float:
    total = sum(keys.values())
    return sum(w for k, w in keys.items() if k not in other) / total if total else 0.0


def evidence(seg: Segment, ratio: float, variance: float) -> Evidence:
    """The length deviation of a unit and, when it is large enough to matter, the content each side lacks."""
    # The aligner (and numpy with it) is imported once a unit is judged, not when the families are registered.
    from bilingual_pr.align.anchors import extract_anchors
    from bilingual_pr.align.length import length_deviation
    ls, lt = _length(seg.source), _length(seg.target)
    dev = length_deviation(ls, lt, ratio, variance)
    if abs(dev) < SCREEN:
        return Evidence(dev)
    ks = extract_anchors(seg.source, None, seg.source_lang)
    kt = extract_anchors(seg.target, None, seg.target_lang)
    found = Evidence(dev, _lacking_share(ks, kt) - _lacking_share(kt, ks))
    if found.score("omission" if dev < 0 else "addition") >= THRESHOLD:
        return found  # decided: the sentences need not be counted (the segmenter is the costlier part)
    return Evidence(dev, found.share, sentence_count(seg.source, seg.source_lang),
                    sentence_count(seg.target, seg.target_lang))


def _message(ev: Evidence, verdict: str, seg: Segment, ratio: float) -> str:
    expected = round(ratio * _length(seg.source))
    what = "shorter" if verdict == "omission" else "longer"
    parts = [f"the target is {_length(seg.target)} characters where about {expected} are usual for this source "
             f"({abs(ev.deviation):.1f} standard deviations {what})"]
    if verdict == "omission" and ev.source_sentences > ev.target_sentences:
        parts.append(f"the source has {ev.source_sentences} sentences, the target {ev.target_sentences}")
    if verdict == "addition" and ev.target_sentences > ev.source_sentences:
        parts.append(f"the target has {ev.target_sentences} sentences, the source {ev.source_sentences}")
    lacking = ev.share if verdict == "omission" else -ev.share
    if lacking >= 0.25:
        parts.append(f"{lacking:.0%} more of the " + ("source's names, numbers and words are not in the target"
                                                      if verdict == "omission" else
                                                      "target's names, numbers and words are not in the source"))
    head = "Part of the source seems left out" if verdict == "omission" else "The target seems to add content"
    return f"{head}: " + "; ".join(parts) + "."


def check_omission(seg: Segment, ratio: float, variance: float) -> list[Finding]:
    """Report a target much shorter (omission) or longer (addition) than its source would be."""
    if not seg.source.strip() or not seg.target.strip():
        return []  # an empty side is the untranslated family's (empty-target, no-counterpart)
    ev = evidence(seg, ratio, variance)
    verdict = ev.verdict
    if verdict is None:
        return []
    severity = "error" if ev.score(verdict) >= STRONG else "warning"
    # The longer side is marked whole: where the missing or added part sits is not known.
    if verdict == "omission":
        return [finding(verdict, _message(ev, verdict, seg, ratio), seg.index, ((0, len(seg.source)),), (),
                        severity=severity)]
    return [finding(verdict, _message(ev, verdict, seg, ratio), seg.index, (), ((0, len(seg.target)),),
                    severity=severity)]


class _OmissionCheck:
    """The check of one run: the length model of each language pair, looked up once."""

    def __init__(self) -> None:
        self._models: dict[tuple[str, str], tuple[float, float] | None] = {}

    def __call__(self, seg: Segment) -> list[Finding]:
        key = (seg.source_lang, seg.target_lang)
        if key not in self._models:
            self._models[key] = length_model(*key)
        model = self._models[key]
        if model is None:
            return []
        return check_omission(seg, model[0], model[1])


def length_model(source_lang: str, target_lang: str) -> tuple[float, float] | None:
    """The aligner's (ratio, variance) for a language pair; None for one without a usual ratio or one language."""
    from bilingual_pr.align.length import LengthScorer
    scorer = LengthScorer.for_languages(source_lang, target_lang)
    if scorer.prior_ratio is None or base_language(source_lang) == base_language(target_lang):
        return None
    return scorer.prior_ratio, scorer.variance


def _unit(setup: CheckSetup) -> UnitCheck:
    return _OmissionCheck()


FAMILY = Family(
    "omission",
    checks={
        "omission": ("warning", "The target is much shorter than its source would be and lacks some of its content "
                                "(aligner's length model, names, numbers, sentences)."),
        "addition": ("warning", "The target is much longer than its source would be and has content the source "
                                "lacks (aligner's length model, names, numbers, sentences)."),
    },
    unit=_unit,
)
