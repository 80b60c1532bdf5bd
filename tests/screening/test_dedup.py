"""Duplicate and flood detection over a group's recent window, with controlled time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from huzhu.screening.dedup import RecentWindow, shingles, similarity

SPAM = "兼职刷单日赚五百元，名额有限速来，详情私聊我"


def cats(findings) -> list[str]:
    return [f.category for f in findings]


def test_same_author_repeat_is_found_even_with_changed_numbers() -> None:
    window = RecentWindow()
    assert window.check(SPAM + "1", author_id="u1", now=0.0) == []
    found = window.check(SPAM + "2！！", author_id="u1", now=10.0)
    assert cats(found) == ["repeat"]


def test_different_text_is_not_a_duplicate() -> None:
    window = RecentWindow()
    window.check("明天下午三点开会，记得带电脑和充电器", author_id="u1", now=0.0)
    assert window.check("谁有考研英语的资料，求分享一下谢谢", author_id="u1", now=5.0) == []


def test_short_messages_never_count_as_duplicates() -> None:
    window = RecentWindow()
    window.check("好的", author_id="u1", now=0.0)
    assert window.check("好的", author_id="u1", now=60.0) == []


def test_copies_by_several_authors_are_flagged() -> None:
    window = RecentWindow(copy_threshold=3)
    for i in range(3):
        assert "copy" not in cats(window.check(SPAM, author_id=f"u{i}", now=float(i)))
    assert "copy" in cats(window.check(SPAM, author_id="u9", now=5.0))


def test_copy_check_can_be_skipped_for_platform_share_texts() -> None:
    window = RecentWindow(copy_threshold=2)
    for i in range(3):
        window.check(SPAM, author_id=f"u{i}", now=float(i))
    assert window.check(SPAM, author_id="u9", now=5.0, allow_copy=False) == []


def test_entries_expire_with_time() -> None:
    window = RecentWindow(ttl_seconds=60)
    window.check(SPAM, author_id="u1", now=0.0)
    assert window.check(SPAM, author_id="u1", now=61.0) == []


def test_window_is_bounded() -> None:
    window = RecentWindow(max_items=10)
    for i in range(50):
        window.check(
            f"第{i}条不同的消息内容" + "甲乙丙丁戊己庚辛壬癸"[i % 10] * (i % 7 + 3),
            author_id=i,
            now=float(i),
        )
    assert len(window) <= 10


def test_flood_same_author_many_messages_quickly() -> None:
    window = RecentWindow(flood_count=5, flood_seconds=30)
    texts = ["早上好", "今天天气真好", "大家吃饭了吗", "我去上班了", "晚上见"]
    results = [window.check(t, author_id="u1", now=float(i)) for i, t in enumerate(texts)]
    assert all("flood" not in cats(r) for r in results[:4])
    assert "flood" in cats(results[4])
    # the same pace spread over time is fine
    calm = RecentWindow(flood_count=5, flood_seconds=30)
    assert all(
        "flood" not in cats(calm.check(t, author_id="u1", now=i * 20.0))
        for i, t in enumerate(texts)
    )


def test_check_without_remembering() -> None:
    window = RecentWindow()
    window.check(SPAM, author_id="u1", now=0.0, add=False)
    assert window.check(SPAM, author_id="u1", now=1.0) == []


def test_similarity() -> None:
    assert similarity(shingles(SPAM), shingles(SPAM + "！")) == 1.0
    assert similarity(shingles(SPAM), shingles("今天天气不错，适合出去玩")) < 0.2


def test_members_saying_the_same_short_thanks_is_not_spam() -> None:
    window = RecentWindow(copy_threshold=2)
    for i in range(5):
        assert window.check("谢谢大家帮忙助力！", author_id=f"u{i}", now=float(i)) == []


_SAME_IN_EVERY_PROCESS = """
import json, random
from huzhu.screening.dedup import RecentWindow, shingles
rng = random.Random(5)
words = ["兼职", "刷单", "日赚", "五百", "名额", "有限", "速来", "私聊", "拼团", "砍一刀", "谢谢", "大家"]
window = RecentWindow(copy_threshold=2)
out = [sorted(shingles("兼职刷单日赚五百元，名额有限速来"))]
bases = ["".join(rng.choice(words) for _ in range(10)) for _ in range(6)]
for i in range(600):
    text = list(rng.choice(bases))
    for _ in range(rng.randrange(4)):  # a few characters changed: near, not exact, copies
        text[rng.randrange(len(text))] = rng.choice("的了是我你他好多")
    text = "".join(text)
    found = window.check(text, author_id=rng.randrange(40), now=float(i))
    out.append([(f.category, f.start, f.end, f.detail.get("similarity")) for f in found])
print(json.dumps(out))
"""


def test_duplicate_findings_do_not_depend_on_the_hash_seed() -> None:
    root = Path(__file__).resolve().parents[2]
    outputs = []
    for seed in ("1", "2", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", _SAME_IN_EVERY_PROCESS],
            env=env,
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] == outputs[2]
    assert '"repeat"' in outputs[0] or '"copy"' in outputs[0]
