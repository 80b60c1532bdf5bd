"""The whole pipeline: verdict shape, masking, link cleaning, dedup context, robustness."""

from __future__ import annotations

import ast
import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huzhu.screening import RecentWindow, ScreenContext, screen
from huzhu.screening.normalize import normalize
from tests.screening import synth

PACKAGE = Path(__file__).resolve().parents[2] / "huzhu" / "screening"


def test_verdict_masks_pii_and_cleans_share_links() -> None:
    text = (
        "【拼多多】快来和我一起拼，电话13812345678 "
        "https://mobile.yangkeduo.com/goods.html?goods_id=123456789&share_uin=ABCD&refer_share_uid=99"
    )
    verdict = screen(text)
    assert verdict.action == "redact"
    assert "13812345678" not in verdict.text
    assert "138****5678" in verdict.text
    assert "share_uin" not in verdict.text and "refer_share_uid" not in verdict.text
    assert "goods_id=123456789" in verdict.text
    assert verdict.clean_links == ["https://mobile.yangkeduo.com/goods.html?goods_id=123456789"]
    assert verdict.reason_zh and verdict.reason_en


def test_findings_point_into_the_original() -> None:
    text = "加 薇 信：壹叁捌 一二三四 5678，兼职日结"
    verdict = screen(text)
    phone = next(f for f in verdict.findings if f.category == "phone")
    assert text[phone.start : phone.end] == "壹叁捌 一二三四 5678"
    for f in verdict.findings:
        assert 0 <= f.start < f.end <= len(text)


def test_flood_and_repeat_with_a_window() -> None:
    window = RecentWindow()
    spam = "兼职刷单日赚五百元，名额有限速来，详情私聊我"
    first = screen(spam, context=ScreenContext(author_id="u1", window=window, now=0.0))
    second = screen(spam, context=ScreenContext(author_id="u1", window=window, now=5.0))
    assert "repeat" not in [f.category for f in first.findings]
    assert "repeat" in [f.category for f in second.findings]
    assert second.action in ("hold", "block")


def test_share_texts_from_many_members_are_not_copy_spam() -> None:
    window = RecentWindow(copy_threshold=2)
    for i in range(5):
        text = (
            f"【拼多多】快来和我一起拼 https://mobile.yangkeduo.com/goods.html?goods_id={1000 + i}"
        )
        verdict = screen(
            text, context=ScreenContext(author_id=f"u{i}", window=window, now=float(i))
        )
        assert verdict.action == "allow"


def test_masked_text_screens_clean() -> None:
    rng = random.Random(7)
    for _ in range(200):
        msg, _cat, value = synth.message_with_pii(rng)
        verdict = screen(msg)
        assert value not in verdict.text
        again = screen(verdict.text)
        assert not [f for f in again.findings if f.kind == "pii"], (msg, verdict.text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=10_000))
def test_never_raises_and_spans_are_inside_the_original(text: str) -> None:
    verdict = screen(text)
    assert verdict.action in ("allow", "redact", "hold", "block")
    for f in verdict.findings:
        assert 0 <= f.start <= f.end <= len(text)
    detected = [
        re.sub(r"[^0-9]", "", normalize(text[f.start : f.end]).text)
        for f in verdict.findings
        if f.kind == "pii" and f.category in ("phone", "id_card", "bank_card")
    ]
    for digits in detected:
        assert digits not in verdict.text
    again = screen(verdict.text)
    assert not [f for f in again.findings if f.kind == "pii"], (text, verdict.text)


@settings(max_examples=100, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("0123456789 -一二三四五六七八九①②③１２３+@.x"), max_size=200)
)
def test_digit_soup_never_breaks_masking(text: str) -> None:
    verdict = screen(text)
    for f in verdict.findings:
        assert 0 <= f.start < f.end <= len(text)
    again = screen(verdict.text)
    assert not [f for f in again.findings if f.kind == "pii"], (text, verdict.text)


def test_screening_package_imports_no_django_and_no_other_huzhu_package() -> None:
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                assert top not in ("django", "ninja", "channels", "config"), (path, name)
                if top == "huzhu":
                    assert name.startswith("huzhu.screening"), (path, name)


@pytest.mark.parametrize(
    "text",
    [
        "订单号 230918456712345678，还没发货",
        "快递单号SF1234567890123，显示已签收",
        "商品链接 https://mobile.yangkeduo.com/goods.html?goods_id=398765432101",
    ],
)
def test_numbers_alone_do_not_make_chatter_suspicious(text: str) -> None:
    # long numbers are PII or look-alikes, not wording: they may be masked, never held
    assert screen(text).action in ("allow", "redact")


def test_findings_do_not_carry_the_raw_personal_data() -> None:
    verdict = screen("我的手机13812345678，身份证11010519491231002X")
    for f in verdict.findings:
        assert "13812345678" not in repr(f.detail)
        assert "11010519491231002" not in repr(f.detail)


def test_a_word_that_only_labels_a_contact_is_not_counted_against_it() -> None:
    # "扣扣"/"加我微信" are listed words (QQ/WeChat dodges in adverts); as the label of the
    # contact detail they repeat what the PII finding says, so sharing a contact is only masked.
    no_model = ScreenContext(stages=frozenset({"pii", "lexicon", "links"}))
    for text in ("扣扣 987654321 拉你进学习群", "加我微信 wxid_abc123 一起拼"):
        verdict = screen(text, context=no_model)
        assert verdict.action == "redact", (text, verdict.reason_zh)
    # with advertising words around it, the same contact is held
    held = screen("兼职日结，高薪，扣扣 987654321", context=no_model)
    assert held.action == "hold"
