"""Classifier stage: the shipped model, its scores, findings and the training script's output."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huzhu.screening import classify, screen_many
from huzhu.screening.normalize import normalize
from huzhu.screening.types import Severity

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "scripts"


def _load_script(name: str):
    sys.path.insert(0, str(SCRIPTS))
    try:
        spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(SCRIPTS))


def test_shipped_model_file_is_present_small_and_well_formed() -> None:
    path = classify.MODEL_PATH
    assert path.exists(), "run scripts/train_classifier.py"
    assert path.stat().st_size < 20_000_000
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == classify.FORMAT_VERSION
    assert tuple(data["classes"]) == classify.CLASSES
    assert len(data["bias"]) == len(classify.CLASSES)
    assert len(data["features"]) > 500
    for gram, weights in list(data["features"].items())[:200]:
        assert 1 <= len(gram) <= data["ngram_max"]
        assert len(weights) == len(classify.CLASSES)
        assert all(isinstance(w, int) for w in weights)


def test_training_script_output_has_the_shape_the_engine_loads(tmp_path: Path) -> None:
    train = _load_script("train_classifier")
    texts, labels = [], []
    for i in range(30):
        texts += [
            normalize(f"刷单返利日结{i}元加微信").text,
            normalize(f"代开发票{i}点联系").text,
            normalize(f"你个傻逼{i}").text,
            normalize(f"今天天气不错{i}度，一起吃饭").text,
        ]
        labels += [{"scam"}, {"ads"}, {"abuse"}, set()]
    model = train.train(texts, labels)
    shipped = json.loads(classify.MODEL_PATH.read_text(encoding="utf-8"))
    assert set(model) == set(shipped)
    assert model["classes"] == shipped["classes"]
    assert model["format"] == shipped["format"]
    out = tmp_path / "m.json"
    out.write_text(json.dumps(model, ensure_ascii=False), encoding="utf-8")
    loaded = classify.load_model(out)
    probs = loaded.probabilities(normalize("刷单返利日结5元加微信").text)
    assert probs["scam"] > probs["abuse"]


def test_scores_are_probabilities_per_category() -> None:
    result = classify.scores("周末一起去爬山吗")
    assert set(result) == set(classify.CLASSES)
    assert all(0.0 <= p <= 1.0 for p in result.values())


# Written for this test only: neither in the training templates nor in the dev set.
HELD_OUT_SCAM = [
    "招募网络兼职人员，手机上点点赞就有收入，一单一结，日入三四百，联系微信 ppx2027",
    "您好，您在我们平台申请的贷款已批准，额度八万，因账户信息错误需先交解冻金",
    "内部消息：跟着导师买这只币，三天翻倍，稳赚不亏，进群领取名额",
    "恭喜您的号码被抽中，获得现金大奖五万元，领奖前请先缴纳手续费",
    "我是淘宝售后，您买的面膜有质量问题，平台双倍理赔，请加我QQ处理",
    "黑户也能贷，不查征信，三十分钟放款，电话联系王经理",
]
HELD_OUT_ADS = [
    "各类证件办理，毕业证学位证都能办，联系电话见主页",
    "长期代开增值税发票，点数低，欢迎合作",
    "出售仿真气枪配件，全国包邮，懂的联系",
    "高仿名表一比一复刻，支持验货，加微信看图",
]
HELD_OUT_NORMAL = [
    "有人一起拼这个抽纸吗？还差两个人成团",
    "帮我砍一刀好不好，谢谢宝子们",
    "明天早上八点的高数课换教室了，大家注意",
    "今天下班早，晚上一起去吃烧烤吧",
    "孩子的作业本落在学校了，有同班的家长能拍一下作业吗",
    "这个洗发水用着还不错，味道很清香",
    "请问小区附近有靠谱的家电维修吗",
    "感谢群友推荐的餐厅，味道真不错",
]


def test_classifier_separates_held_out_scam_and_ads_from_normal_chatter() -> None:
    hold_scam = classify.THRESHOLDS["scam"][0]
    hold_ads = classify.THRESHOLDS["ads"][0]
    caught = 0
    for text in HELD_OUT_SCAM + HELD_OUT_ADS:
        s = classify.scores(text)
        caught += s["scam"] >= hold_scam or s["ads"] >= hold_ads
    assert caught >= len(HELD_OUT_SCAM + HELD_OUT_ADS) - 1
    for text in HELD_OUT_NORMAL:
        s = classify.scores(text)
        assert s["scam"] < hold_scam and s["ads"] < hold_ads, (text, s)
        assert s["abuse"] < classify.THRESHOLDS["abuse"][0], (text, s)


@pytest.mark.parametrize(
    "text",
    ["你就是个傻逼，滚出去", "草泥马的，脑残一个", "你全家都不得好死", "傻 逼 玩 意 儿"],
)
def test_abuse_scores_high(text: str) -> None:
    assert classify.scores(text)["abuse"] >= classify.THRESHOLDS["abuse"][0]


def test_findings_span_the_whole_original_text_and_carry_the_score() -> None:
    text = "刷 单 返 利，日 结 五 百，加V信"
    found = classify.findings(normalize(text))
    scam = [f for f in found if f.category == "scam"]
    assert scam
    f = scam[0]
    assert f.kind == "classifier"
    assert (f.start, f.end) == (0, len(text))
    assert 0.0 <= f.detail["score"] <= 1.0
    assert f.severity >= Severity.MEDIUM
    assert f.rule == "classifier.scam"


def test_no_findings_for_ordinary_or_empty_text() -> None:
    assert classify.findings(normalize("")) == []
    assert classify.findings(normalize("谢谢大家帮忙，已经成团了")) == []


def test_long_texts_score_like_the_sum_over_all_ngrams() -> None:
    data = json.loads(classify.MODEL_PATH.read_text(encoding="utf-8"))
    model = classify.Model(data)
    text = normalize("招聘兼职日结三百在家就能做加微信详聊，宝贝收到了质量很好" * 40).text
    assert len(text) > model.chunk
    features = data["features"]
    sums = [0, 0, 0]
    for k in range(1, data["ngram_max"] + 1):
        for i in range(len(text) - k + 1):
            for c, w in enumerate(features.get(text[i : i + k], (0, 0, 0))):
                sums[c] += w
    expected = [b + s / data["scale"] for b, s in zip(data["bias"], sums, strict=True)]
    assert model.raw_scores(text) == pytest.approx(expected)


@given(
    st.lists(
        st.lists(st.integers(min_value=-5000, max_value=5000), min_size=3, max_size=3),
        min_size=1,
        max_size=100,
    )
)
def test_packed_weights_sum_and_decode_exactly(weights: list[list[int]]) -> None:
    offset = 5000
    total = sum(classify._encode(w, offset) for w in weights)
    expected = tuple(sum(w[i] for w in weights) for i in range(3))
    assert classify._decode(total, len(weights), offset) == expected


@given(st.text(max_size=300))
def test_any_text_scores_without_error(text: str) -> None:
    result = classify.scores(text)
    assert all(0.0 <= p <= 1.0 for p in result.values())


def _probe() -> tuple[list[str], list[str]]:
    path = Path(__file__).resolve().parent / "data" / "probe_money.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    normal = [r["text"] for r in rows if r["labels"] == ["normal"]]
    return normal, [r["text"] for r in rows if r["labels"] != ["normal"]]


def test_everyday_money_talk_is_published_and_money_scams_are_not() -> None:
    """Members talk about deposits, refunds, transfers, loans and insurance all the time; the
    engine must not hold that as scam, nor let the scams that borrow those words through. The
    probe was written before the model was retrained on money talk and is not in its training
    data (bench/screen_eval.py prints the same figures)."""
    normal, scams = _probe()
    normal_actions = [v.action for v in screen_many(normal)]
    held = [t for t, a in zip(normal, normal_actions, strict=True) if a != "allow"]
    assert len(held) <= len(normal) // 10, held
    # nothing a member says about money is refused outright, warnings that name a scam included
    blocked = [t for t, a in zip(normal, normal_actions, strict=True) if a == "block"]
    assert blocked == []
    missed = [t for t, v in zip(scams, screen_many(scams), strict=True) if v.action == "allow"]
    assert len(missed) <= len(scams) // 20, missed
