"""The damaged-memory evaluation (bench/bench_qa_damaged.py) on texts written for this test.

Each damager spoils a copy of every clean unit it applies to; each check family must find at least
90 % of the defects meant for it and raise no alarm on the clean units and their look-alikes (a
Geneva premises kept in French, "nous nous", a localised address...). Families a damage is meant
for that are not registered (omission, misalignment) are skipped.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

import pytest

from conftest import ROOT

NB, NN = "\u00a0", "\u202f"

# (French, English): release-style sentences written for this test.
PAIRS = [
    ("Le Conseil des droits de l'homme a ouvert sa cinquante-cinquième session à Genève le 26 février 2024.",
     "The Human Rights Council opened its fifty-fifth session in Geneva on 26 February 2024."),
    (f"La Haute-Commissaire a déclaré{NB}: «{NB}La protection des civils doit rester notre priorité.{NB}»",
     "The High Commissioner said: “The protection of civilians must remain our priority.”"),
    ("Les experts du groupe de travail présenteront leur rapport final au mois de juin.",
     "The experts of the working group will present their final report in June."),
    (f"Au total, 1{NB}200 participants venus de 85 pays ont assisté à la conférence.",
     "A total of 1,200 participants from 85 countries attended the conference."),
    ("Le Directeur général a salué l'engagement des États membres en faveur de la recherche fondamentale.",
     "The Director-General welcomed the commitment of Member States to fundamental research."),
    ("Les physiciens du laboratoire ont mesuré la masse de la particule avec une précision inédite.",
     "Physicists at the laboratory measured the mass of the particle with unprecedented precision."),
    (f"Pourquoi cette réforme est-elle nécessaire{NN}? Parce que la demande d'assistance a doublé en trois ans.",
     "Why is this reform needed? Because the demand for assistance has doubled in three years."),
    ("La délégation a rencontré les représentants des organisations non gouvernementales mardi matin.",
     "The delegation met representatives of non-governmental organizations on Tuesday morning."),
    ("Le nouveau centre de données permettra de stocker les résultats des expériences pendant dix ans.",
     "The new data centre will store the results of the experiments for ten years."),
    ("La Rapporteuse spéciale se rendra dans la région du 3 au 14 mars pour évaluer la situation humanitaire.",
     "The Special Rapporteur will travel to the region from 3 to 14 March to assess the humanitarian situation."),
    ("Le comité a examiné le rapport périodique du pays et adopté ses observations finales.",
     "The committee considered the periodic report of the country and adopted its concluding observations."),
    ("Les inscriptions pour la journée portes ouvertes du laboratoire seront ouvertes le 2 septembre.",
     "Registration for the laboratory's open day will open on 2 September."),
    ("Selon le rapport, la situation s'est améliorée dans plusieurs régions, mais les besoins restent immenses.",
     "According to the report, the situation has improved in several regions, but needs remain immense."),
]


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_qa_damaged", ROOT / "bench" / "bench_qa_damaged.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # its dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("direction", ["fr-en", "en-fr"])
def test_each_family_finds_its_defects_and_raises_no_false_alarm(bench: ModuleType, direction: str) -> None:
    units = [bench.Unit(f"doc{i // 6}", fr, en) for i, (fr, en) in enumerate(PAIRS)]
    res = bench.evaluate(units, direction)
    assert dict(res.false_alarms) == {}, "alarms on clean units"
    assert dict(res.lookalike_alarms) == {}, "alarms on look-alikes"
    measured = 0
    for name, n in res.damaged.items():
        if n and res.own_family[name] is not None:
            measured += 1
            assert res.found_own[name] / n >= 0.9, (name, res.found_own[name], n, res.examples.get(name))
    # Every damage meant for a family of this branch was applied somewhere (the French space before
    # an English colon needs an English target).
    expected = {n for n, own in res.own_family.items() if own is not None}
    if direction == "en-fr":
        expected.discard("French space before an English colon")
    assert {n for n in expected if res.damaged[n]} == expected and measured == len(expected)


def test_a_damager_that_changes_nothing_is_not_counted(bench: ModuleType) -> None:
    # One unit, no digit: nothing to change for the number damage, which must then count no unit.
    res = bench.evaluate([bench.Unit("d", "Le comité a examiné le rapport.", "The committee considered the report.")],
                         "fr-en")
    assert res.damaged["number changed"] == 0 and res.damaged["doubled word"] == 1
