"""The bridging model on synthetic groups: two camps rating many notes.

Notes rated helpful by one camp only are not shown; notes rated helpful across camps are.
"""

from __future__ import annotations

import random

from huzhu.moderation.bridging import HELPFUL, NOT_HELPFUL, Rating, fit, score_notes

HELPFUL_PROB = {
    "camp_a": {"A": 0.9, "B": 0.1},
    "camp_b": {"A": 0.1, "B": 0.9},
    "bridge": {"A": 0.85, "B": 0.85},
    "bad": {"A": 0.1, "B": 0.1},
}


def synthetic_group(seed: int, *, camp_a: int, camp_b: int, notes: dict[str, int], cover=0.6):
    rng = random.Random(seed)
    raters = [("A", i) for i in range(camp_a)] + [("B", i) for i in range(camp_b)]
    note_ids = [(kind, i) for kind, n in notes.items() for i in range(n)]
    return [
        Rating(rater, note, rng.random() < HELPFUL_PROB[note[0]][rater[0]])
        for rater in raters
        for note in note_ids
        if rng.random() < cover
    ]


def shown(scores, kind):
    return [n for n, s in scores.items() if n[0] == kind and s.status == HELPFUL]


def test_two_equal_camps_only_bridging_notes_are_shown():
    notes = {"camp_a": 15, "camp_b": 15, "bridge": 10, "bad": 10}
    for seed in range(3):
        scores = score_notes(synthetic_group(seed, camp_a=20, camp_b=20, notes=notes))
        assert shown(scores, "camp_a") == [] and shown(scores, "camp_b") == []
        assert len(shown(scores, "bridge")) >= 8
        assert shown(scores, "bad") == []
        assert all(s.method == "mf" for s in scores.values())


def test_a_majority_camp_cannot_push_its_notes_through():
    notes = {"camp_a": 15, "camp_b": 15, "bridge": 10, "bad": 10}
    ratings = synthetic_group(11, camp_a=30, camp_b=10, notes=notes)
    # Counting votes would show the majority camp's notes: about 70 % rate them helpful.
    by_note: dict = {}
    for r in ratings:
        by_note.setdefault(r.note, []).append(r.helpful)
    majority_liked = [n for n, v in by_note.items() if n[0] == "camp_a" and sum(v) / len(v) > 0.6]
    assert len(majority_liked) >= 10
    scores = score_notes(ratings)
    assert shown(scores, "camp_a") == []
    assert len(shown(scores, "bridge")) >= 8
    # The disliked-by-everyone notes are rated not helpful.
    assert sum(1 for n, s in scores.items() if n[0] == "bad" and s.status == NOT_HELPFUL) >= 8


def test_the_factor_separates_the_camps():
    notes = {"camp_a": 10, "camp_b": 10, "bridge": 5}
    model = fit(synthetic_group(3, camp_a=15, camp_b=15, notes=notes))
    a = [f for u, f in model.user_factor.items() if u[0] == "A"]
    b = [f for u, f in model.user_factor.items() if u[0] == "B"]
    assert (min(a) > 0 > max(b)) or (max(a) < 0 < min(b))


def test_scoring_is_deterministic():
    ratings = synthetic_group(5, camp_a=12, camp_b=12, notes={"camp_a": 5, "bridge": 5})
    assert score_notes(ratings) == score_notes(list(reversed(ratings)))


# --- the fallback for small groups ------------------------------------------------------------


def test_small_group_needs_raters_who_disagreed_elsewhere():
    # Four raters: u1 and u2 are a clique; u3 disagreed with u1 on note "x".
    ratings = [
        Rating("u1", "x", True),
        Rating("u3", "x", False),
        Rating("u4", "x", False),
        # "clique": only u1, u2 and u4 (who agree on everything except x) like it
        Rating("u1", "clique", True),
        Rating("u2", "clique", True),
        Rating("u4", "clique", False),
        # "bridge": u1 and u3, who disagreed on x, both like it
        Rating("u1", "bridge", True),
        Rating("u3", "bridge", True),
        Rating("u2", "bridge", True),
        # "junk": nearly everyone says no
        Rating("u1", "junk", False),
        Rating("u2", "junk", False),
        Rating("u3", "junk", False),
    ]
    scores = score_notes(ratings)
    assert {s.method for s in scores.values()} == {"fallback"}
    assert scores["bridge"].status == HELPFUL
    assert scores["clique"].status == "needs_more"
    assert scores["junk"].status == NOT_HELPFUL


def test_small_group_agreeing_clique_is_not_enough():
    ratings = [Rating(u, "n", True) for u in ("u1", "u2", "u3", "u4")]
    assert score_notes(ratings)["n"].status == "needs_more"


def test_numpy_and_plain_python_fits_agree():
    from huzhu.moderation.bridging import Params

    ratings = synthetic_group(9, camp_a=15, camp_b=10, notes={"camp_a": 6, "bridge": 6})
    fast, plain = fit(ratings), fit(ratings, params=Params(use_numpy=False))
    assert fast.iterations == plain.iterations
    for note, bias in plain.note_bias.items():
        assert abs(fast.note_bias[note] - bias) < 1e-9
