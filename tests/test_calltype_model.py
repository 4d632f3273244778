"""The fitted call-type model: it is what its training table fits, it validates on load,
its probabilities behave, and `coach rules fit` / `explain call-type` work."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from coach.calltype_features import AGENDA_FEATURES, AGENDA_TYPES, FEATURES, SIGNS
from coach.calltype_model import CallTypeModel, fit, predict
from coach.calltype_training import TRAINING_FILE, read_rows
from coach.cli.main import cli
from coach.errors import RulesError
from coach.rules.loader import default_rules_dir, load_rules

SHARED_CALLS = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "calls"


def _rows() -> list[dict]:
    return read_rows(default_rules_dir() / TRAINING_FILE)


def test_shipped_model_is_what_the_table_fits():
    """A stale rules/calltype_model.yaml (table or fitting code changed): run `coach rules fit`."""
    result = CliRunner().invoke(cli, ["rules", "fit", "--check"])
    assert result.exit_code == 0, result.output


@pytest.mark.skipif(not SHARED_CALLS.is_dir(), reason="../shared/eval/calls is not here")
def test_training_table_matches_the_current_rules():
    """Rules changed since the table was built: run `coach rules fit --calls ../shared/eval/calls`."""
    from coach.analysis import Analyzer
    from coach.calltype_training import feature_rows, fixture_calls, labelled_calls

    fixtures = default_rules_dir().resolve().parent / "fixtures"
    rows = feature_rows(iter([*labelled_calls(SHARED_CALLS), *fixture_calls(fixtures)]), Analyzer())
    stored = {r["call"]: r for r in _rows()}
    assert sorted(stored) == sorted(r["call"] for r in rows)
    for r in rows:
        s = stored[r["call"]]
        assert r["label"] == s["label"]
        for k, v in r["escalation"].items():
            assert v == pytest.approx(s["escalation"][k], abs=1e-4), (r["call"], k)
        for t, feats in r["agenda"].items():
            for k, v in feats.items():
                assert v == pytest.approx(s["agenda"][t][k], abs=1e-4), (r["call"], t, k)


def test_table_rows_carry_every_feature_and_no_words():
    rows = _rows()
    assert len(rows) >= 20
    for r in rows:
        assert set(r) == {"call", "label", "escalation", "agenda"}
        assert set(r["escalation"]) == set(FEATURES)
        assert set(r["agenda"]) == set(AGENDA_TYPES)
        assert all(set(f) == set(AGENDA_FEATURES) for f in r["agenda"].values())


def test_fitted_signs_follow_the_features_meaning():
    model = load_rules().calltype_model
    assert model is not None
    for name, w in model.escalation.weights.items():
        assert w * SIGNS.get(name, 1) >= 0, name


def _row(label: str, **esc: float) -> dict:
    feats = dict.fromkeys(FEATURES, 0.0) | esc
    agenda = {t: dict.fromkeys(AGENDA_FEATURES, 0.0) for t in AGENDA_TYPES}
    if label in AGENDA_TYPES:
        agenda[label]["agenda_company"] = 1.5
        agenda[label]["agenda_opening"] = 1.0
    return {"call": label, "label": label, "escalation": feats, "agenda": agenda}


def test_fit_learns_grievance_and_agenda_on_a_toy_table():
    rows = []
    for i in range(6):
        rows.append(_row("escalation", grievance=2.0 + 0.1 * i, grievance_kinds=3.0, opening_share=0.7))
        rows.append(_row(AGENDA_TYPES[i % len(AGENDA_TYPES)], grievance=0.1 * (i % 2), opening_share=0.4))
    model = fit(rows)
    assert model.escalation.weights["grievance"] > 0
    assert model.routine.weights["agenda_company"] > 0
    label, conf, p_esc, _ = predict(model, rows[0]["escalation"], rows[0]["agenda"])
    assert label == "escalation" and conf == p_esc > 0.5
    label, conf, p_esc, routine = predict(model, rows[3]["escalation"], rows[3]["agenda"])
    assert label == rows[3]["label"] and p_esc < 0.5
    assert conf == pytest.approx((1 - p_esc) * routine[label])
    assert math.isclose(sum(routine.values()), 1.0)
    assert model.cross_validation["calls"] == len(rows)


def test_no_evidence_gives_a_low_confidence():
    """An empty call is not "Discovery 95 %": without words for any type, no answer is sure."""
    model = load_rules().calltype_model
    row = _row("none")
    _, conf, _, _ = predict(model, row["escalation"], row["agenda"])
    assert conf < 0.6


def test_fit_refuses_one_class_tables():
    with pytest.raises(ValueError, match="both escalations and routine"):
        fit([_row("escalation"), _row("escalation")])


def test_model_file_is_validated(tmp_path):
    (tmp_path / "calltype_model.yaml").write_text("escalation:\n  bias: 0\n  weights: {shouting: 1.0}\n")
    with pytest.raises(RulesError, match=r"calltype_model.yaml.*unknown feature"):
        load_rules([tmp_path])


def test_model_schema_rejects_unknown_type():
    with pytest.raises(ValueError, match="unknown call type"):
        CallTypeModel.model_validate(
            {"escalation": {"bias": 0, "weights": {}}, "routine": {"bias": {"webinar": 1.0}, "weights": {}}}
        )


def test_explain_call_type_prints_weights_and_reliability():
    result = CliRunner().invoke(cli, ["rules", "explain", "call-type"])
    assert result.exit_code == 0, result.output
    assert "grievance" in result.output and "agenda_company" in result.output
    assert "Reliability" in result.output


def test_analysis_confidence_is_the_model_probability():
    from coach.analysis import analyze_path

    fixtures = default_rules_dir().resolve().parent / "fixtures"
    rep = analyze_path(fixtures / "teams-vtt" / "escalation_outage.vtt", csm=["Maya Goldberg"])
    assert rep.call_type.label == "escalation"
    assert 0.5 <= rep.call_type.confidence <= 1.0
    assert rep.call_type.evidence


def test_same_model_tolerates_the_fourth_decimal_only():
    from coach.calltype_model import same_model

    a = {"escalation": {"bias": -4.5996, "weights": {"grievance": 1.3612}}, "about": "x", "cv": [1, "a"]}
    assert same_model(
        a, {"escalation": {"bias": -4.5999, "weights": {"grievance": 1.3610}}, "about": "x", "cv": [1, "a"]}
    )
    assert not same_model(
        a, {"escalation": {"bias": -4.7, "weights": {"grievance": 1.3612}}, "about": "x", "cv": [1, "a"]}
    )
    assert not same_model(a, {"escalation": {"bias": -4.5996, "weights": {}}, "about": "x", "cv": [1, "a"]})


def test_features_read_signals_the_rules_can_emit():
    """A renamed signal would silently zero a feature: every name the features read is a known signal."""
    from coach.calltype_features import CALMING, GRIEVANCE
    from coach.rules.schema import SIGNALS

    emitted = {r.emits for r in load_rules().rules}
    for name in (*GRIEVANCE, *CALMING, *(f"agenda_{t}" for t in AGENDA_TYPES)):
        assert name in SIGNALS and name in emitted, name
