"""Glossary checks a terminologist wants before publishing, and summary figures."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from bilingual_pr.glossary.matcher import strict_form
from bilingual_pr.glossary.model import Glossary, Term


@dataclass(frozen=True, slots=True)
class Finding:
    """One lint finding: a code, where it is (file:line or entry id) and a one-line message."""

    code: str
    where: str
    message: str


def _k(t: Term) -> tuple[str, str]:
    return t.lang, strict_form(t.text)


def lint(glossary: Glossary) -> list[Finding]:
    """Duplicates, conflicting entries, missing languages, unknown values, DNT mismatches."""
    out = [Finding(i.code, i.where, i.message) for i in glossary.issues]
    langs = [lang for lang in glossary.languages]
    ids = Counter(e.id for e in glossary.entries)
    for eid, n in ids.items():
        if n > 1:
            out.append(Finding("duplicate-id", f"entry {eid}", f"{n} entries share the id {eid!r}"))
    seen_entries: dict[frozenset, str] = {}
    approved_in: dict[tuple[str, str], list[tuple[str, Term]]] = defaultdict(list)
    rejected_in: dict[tuple[str, str], list[str]] = defaultdict(list)
    for e in glossary.entries:
        where = f"entry {e.id}"
        keys = Counter(_k(t) for t in e.terms)
        for (lang, text), n in keys.items():
            if n > 1:
                out.append(Finding("duplicate-term", where, f"{lang} term {text!r} listed {n} times"))
        sig = frozenset((t.lang, strict_form(t.text).casefold(), t.status) for t in e.terms)
        if sig in seen_entries:
            out.append(Finding("duplicate-entry", where, f"same terms as entry {seen_entries[sig]}"))
        else:
            seen_entries[sig] = e.id
        for lang in langs:
            if not e.terms_in(lang):
                out.append(Finding("missing-language", where, f"no {lang} term"))
            elif not e.approved(lang):
                out.append(Finding("missing-language", where, f"no preferred or admitted {lang} term, only rejected ones"))
        preferred = Counter((t.lang, t.type, t.gender, t.number) for t in e.terms if t.status == "preferred")
        for (lang, ttype, gender, number), n in preferred.items():
            if n > 1:
                out.append(Finding("several-preferred", where,
                                   f"{n} preferred {lang} terms of the same type ({ttype or 'untyped'}, "
                                   f"{gender or 'no gender'}, {number or 'no number'}); make all but one admitted"))
        if e.dnt:
            forms = {lang: {strict_form(t.text) for t in e.approved(lang)} for lang in e.languages}
            if len({frozenset(v) for v in forms.values()}) > 1:
                out.append(Finding("dnt-mismatch", where,
                                   "do-not-translate entry whose terms differ between languages: "
                                   + "; ".join(f"{lang}: {', '.join(sorted(v))}" for lang, v in forms.items())))
        for t in e.terms:
            if t.approved:
                approved_in[_k(t)].append((e.id, t))
            else:
                rejected_in[_k(t)].append(e.id)
            if t.approved and e.rejected(t.lang) and _k(t) in {_k(r) for r in e.rejected(t.lang)}:
                out.append(Finding("conflicting-status", where, f"{t.lang} term {t.text!r} is both approved and rejected"))
    for key, users in approved_in.items():
        lang, text = key
        if key in rejected_in:
            others = sorted(set(rejected_in[key]) - {eid for eid, _ in users})
            if others:
                out.append(Finding("conflicting-entries", f"entry {users[0][0]}",
                                   f"{lang} term {text!r} is approved here but deprecated/forbidden in entry "
                                   f"{', '.join(others)}"))
        entry_ids = list(dict.fromkeys(eid for eid, _ in users))
        if len(entry_ids) > 1 and not all(t.note for _, t in users):
            out.append(Finding("ambiguous-term", f"entry {entry_ids[0]}",
                               f"{lang} term {text!r} is approved in entries {', '.join(entry_ids)}; give each of "
                               "them a note saying when to use which"))
    return out


def stats(glossary: Glossary) -> dict[str, object]:
    """Counts of entries, terms per language, statuses, types, subject fields and DNT entries."""
    terms = [t for e in glossary.entries for t in e.terms]
    return {
        "title": glossary.title,
        "format": glossary.dialect,
        "entries": len(glossary.entries),
        "terms": len(terms),
        "terms_by_language": dict(Counter(t.lang for t in terms)),
        "terms_by_status": dict(Counter(t.status for t in terms)),
        "terms_by_type": dict(Counter(t.type or "unspecified" for t in terms)),
        "do_not_translate_entries": sum(1 for e in glossary.entries if e.dnt),
        "subject_fields": dict(Counter(e.subject or "unspecified" for e in glossary.entries).most_common()),
        "properties": dict(glossary.properties),
        "load_issues": len(glossary.issues),
    }
