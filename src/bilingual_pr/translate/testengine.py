"""A deterministic phrase-table engine, so tests can check drafting exactly.

It translates by greedy longest-match lookup in a small lexicon (up to four
words), copies unknown words unchanged (as NMT systems usually copy names and
codes) and records every batch it receives. ``mangle`` simulates an engine
that damages placeholders, to exercise the glossary fallback path.
"""

from __future__ import annotations

import re
from typing import Mapping, Sequence

from bilingual_pr.translate.base import MTEngine

_TOKEN = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]", re.UNICODE)
_NO_SPACE_BEFORE = re.compile(r"\s+([.,;:!?)\]»])")
_NO_SPACE_AFTER = re.compile(r"([(\[«])\s+")


class TestEngine(MTEngine):
    """Deterministic lexicon translator that records the batches it was given."""

    __test__ = False  # not a pytest test class

    def __init__(self, lexicon: Mapping[str, str], src_lang: str = "fr", tgt_lang: str = "en",
                 name: str = "test-engine", mangle: bool = False) -> None:
        self.lexicon = {k.lower(): v for k, v in lexicon.items()}
        self.max_words = max((len(k.split()) for k in self.lexicon), default=1)
        self.src_lang, self.tgt_lang, self.name = src_lang, tgt_lang, name
        self.mangle = mangle
        self.batches: list[int] = []

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        """Translate each sentence word by word with longest-match lookup."""
        self.batches.append(len(sentences))
        return [self._one(s) for s in sentences]

    def placeholder_survives(self, placeholder: str) -> bool:
        """A mangling engine breaks placeholders; the plain one copies them."""
        return not self.mangle

    def _one(self, sentence: str) -> str:
        tokens = _TOKEN.findall(sentence)
        out: list[str] = []
        i = 0
        while i < len(tokens):
            for n in range(min(self.max_words, len(tokens) - i), 0, -1):
                key = " ".join(tokens[i:i + n]).lower()
                if key in self.lexicon:
                    value = self.lexicon[key]
                    if i == 0 and tokens[0][:1].isupper():
                        value = value[:1].upper() + value[1:]
                    out.append(value)
                    i += n
                    break
            else:
                tok = tokens[i]
                if self.mangle and re.fullmatch(r"[A-Z]+\d+[A-Z]*", tok):
                    tok = tok.lower()  # a "creative" engine
                out.append(tok)
                i += 1
        text = " ".join(out)
        text = _NO_SPACE_BEFORE.sub(r"\1", text)
        return _NO_SPACE_AFTER.sub(r"\1", text)
