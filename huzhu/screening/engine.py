"""The screening pipeline: normalize → pii → lexicon → links → classify → dedup → policy.

Owns ``screen(text, *, context=None) -> Verdict`` and ``ScreenContext``. Every stage is plain
Python over the normalized text; spans are mapped back to the original text. ``Verdict.text`` is
what may be shown: the original with personal data masked and shopping links cleaned of sharer
parameters.
"""

from __future__ import annotations

import re
import time
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

from huzhu.screening import classify, lexicon, links, pii
from huzhu.screening.dedup import RecentWindow
from huzhu.screening.normalize import Normalized, normalize, normalize_many
from huzhu.screening.policy import RuleSet, default_ruleset
from huzhu.screening.types import Finding, Severity, Verdict

__all__ = ["ScreenContext", "screen", "screen_many"]

ALL_STAGES = frozenset({"pii", "lexicon", "links", "classify", "dedup"})


@dataclass(slots=True)
class ScreenContext:
    """What the engine needs to know beyond the text.

    ``rules``: the group's rules (``policy.rules_load``), defaults included unless turned off;
    ``extra_words``: the group's own words → category; ``author_id`` and ``standing``: who posts;
    ``window``: the group's ``RecentWindow`` for duplicate and flood checks (None: skip);
    ``now``: seconds (``time.time()`` when None); ``remember``: add the message to ``window``
    (False: check only); ``stages``: the stages to run (benchmarks and tests switch some off).
    Screening time is linear in the text length: callers cap the input (the web app at 10,000).
    """

    rules: RuleSet | None = None
    extra_words: Mapping[str, str] | None = None
    author_id: Hashable | None = None
    standing: float | None = None
    window: RecentWindow | None = None
    now: float | None = None
    remember: bool = True
    stages: frozenset[str] = ALL_STAGES


_DEFAULT_CONTEXT = ScreenContext()

# Long numbers (phone, order, card numbers …) carry no wording signal, but a character n-gram model
# learns their digits: ordinary chatter with an order number or a phone number in it scored as an
# advert or a scam. The classifier therefore reads the text with every run of 5+ digits (with the
# spaces, dashes and brackets inside it) taken out; on the dev set this leaves scam/ads/abuse recall
# unchanged and cuts chatter-with-numbers flagged by the model several-fold. Classifier findings
# span the whole original text, so the shorter view needs no offset map.
_LONG_NUMBER_RE = re.compile(r"[0-9][0-9 \-()（）]{3,}[0-9]")


def _classifier_view(norm: Normalized, contacts: list[Finding]) -> Normalized:
    text = norm.text
    if contacts:
        text = normalize(_without_contacts(norm.original, contacts)).text
    elif _LONG_NUMBER_RE.search(text) is None:
        return norm
    return Normalized(norm.original, _LONG_NUMBER_RE.sub("", text))


def _without_contacts(original: str, contacts: list[Finding]) -> str:
    """``original`` with the contact details cut out (they are not wording either)."""
    pieces: list[str] = []
    pos = 0
    for f in sorted(contacts, key=_span_key):
        if f.start >= pos:
            pieces.append(original[pos : f.start])
            pos = f.end
    pieces.append(original[pos:])
    return "".join(pieces)


_CONTACT = frozenset({"phone", "landline", "qq", "wechat", "email"})
_LABEL_GAP = 4  # characters allowed between a label word and the contact detail it labels


def _is_contact_label(word: Finding, contacts: list[Finding]) -> bool:
    if word.category not in ("scam", "ads") or word.severity > Severity.MEDIUM:
        return False
    return any(0 <= c.start - word.end <= _LABEL_GAP for c in contacts)


_DEFAULT_RULES = default_ruleset()


def _apply_edits(original: str, findings: list[Finding], exempt: frozenset[int]) -> str:
    """Mask PII and clean shopping links in ``original`` (non-overlapping, left to right)."""
    edits: list[tuple[int, int, str]] = []
    for f in findings:
        if id(f) in exempt:
            continue
        if f.kind == "pii":
            edits.append((f.start, f.end, f.detail["masked"]))
        elif f.kind == "link" and "clean" in f.detail:
            shown = original[f.start : f.end]
            if f.detail.get("stripped") and "?" in shown:
                edits.append((f.start, f.end, f.detail["clean"]))
    if not edits:
        return original
    edits.sort()
    pieces: list[str] = []
    pos = 0
    for start, end, replacement in edits:
        if start < pos:
            continue
        pieces.append(original[pos:start])
        pieces.append(replacement)
        pos = end
    pieces.append(original[pos:])
    return "".join(pieces)


# Lone surrogates ("\\ud800" in JSON) cannot be encoded for the automata or numpy. They are
# replaced by U+FFFD, one code point for one, so every offset still points into the original text.
_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")


def _without_surrogates(text: str) -> str:
    return _SURROGATE_RE.sub("\ufffd", text)


def screen(text: str, *, context: ScreenContext | None = None) -> Verdict:
    """Screen one text and decide what happens to it."""
    if not isinstance(text, str):
        raise TypeError("screen() expects str")
    try:
        return _screen_one(text, context)
    except UnicodeEncodeError:  # only a lone surrogate gets here; the normal path pays nothing
        return _screen_one(_without_surrogates(text), context)


def _screen_one(text: str, context: ScreenContext | None) -> Verdict:
    ctx = context or _DEFAULT_CONTEXT
    stages = ctx.stages
    norm, findings, contacts = _front(text, stages)
    classified: list[Finding] | None = None
    scan_words = "lexicon" in stages
    if "classify" in stages:
        view = _classifier_view(norm, contacts)
        if scan_words and view is norm and not ctx.extra_words:
            # One automaton scan serves both stages: it also tells whether any listed term occurs.
            classified, scan_words = classify.findings_and_terms(norm)
        else:
            classified = classify.findings(view)
    return _back(text, norm, ctx, findings, contacts, classified, scan_words, "links" in stages)


# Messages scored together by ``screen_many``: big enough to spread numpy's per-call cost, small
# enough to keep its arrays in cache.
BATCH = 512


def screen_many(texts: Sequence[str], *, context: ScreenContext | None = None) -> list[Verdict]:
    """``[screen(t, context=context) for t in texts]``, computed faster for many texts.

    Same verdicts, in the same order (a per-group window sees the messages one after the other).
    The classifier scores a whole batch at once with numpy, and one word-list automaton scan over
    the batch tells which messages can hold a listed word at all.
    """
    texts = list(texts)
    for text in texts:
        if not isinstance(text, str):
            raise TypeError("screen_many() expects str items")
    ctx = context or _DEFAULT_CONTEXT
    out: list[Verdict] = []
    for pos in range(0, len(texts), BATCH):
        batch = texts[pos : pos + BATCH]
        try:
            out.extend(_screen_batch(batch, ctx))
        except UnicodeEncodeError:  # a lone surrogate somewhere in the batch (see screen())
            out.extend(_screen_batch([_without_surrogates(t) for t in batch], ctx))
    return out


def _screen_batch(texts: list[str], ctx: ScreenContext) -> list[Verdict]:
    from huzhu.screening import hints  # numpy: loaded on the first batch only

    stages = ctx.stages
    n = len(texts)
    # Character hints of the originals steer normalize; those of the normalized texts (the same
    # texts, mostly) let a stage be skipped when its gate needs a character the text lacks.
    flags = hints.char_flags(texts)
    norms = normalize_many(texts, flags)
    changed = [i for i, norm in enumerate(norms) if norm.text is not norm.original]
    if changed:
        for i, f in zip(changed, hints.char_flags([norms[i].text for i in changed]), strict=True):
            flags[i] = f
    fronts: list[tuple[Normalized, list[Finding], list[Finding]]] = []
    if "pii" in stages:
        pii_bit, digit_bit, letter_bit = hints.PII, hints.DIGIT, hints.LETTER
        found_many = pii.scan_many(
            norms,
            [bool(f & pii_bit) for f in flags],
            [bool(f & digit_bit) for f in flags],
            [bool(f & letter_bit) for f in flags],
        )
        for norm, found in zip(norms, found_many, strict=True):
            if found:
                fronts.append((norm, found, [x for x in found if x.category in _CONTACT]))
            else:
                fronts.append((norm, [], []))
    else:
        fronts = [(norm, [], []) for norm in norms]
    classified: Sequence[Sequence[Finding] | None] = [None] * n
    if "classify" in stages:
        # The classifier's view (see ``_classifier_view``): texts with contact details cut out
        # are normalized again, all of them in one batch.
        digit_bit = hints.DIGIT
        long_number = _LONG_NUMBER_RE
        views: list[str] = []
        again: list[int] = []
        for i, ((norm, _found, contacts), f) in enumerate(zip(fronts, flags, strict=True)):
            if contacts:
                again.append(i)
                views.append(_without_contacts(norm.original, contacts))
            elif f & digit_bit:
                views.append(long_number.sub("", norm.text))
            else:
                views.append(norm.text)
        if again:
            cut = [views[i] for i in again]
            for i, renorm in zip(again, normalize_many(cut, hints.char_flags(cut)), strict=True):
                views[i] = long_number.sub("", renorm.text)
        classified = classify.findings_many(norms, views)
    scan_words: list[bool]
    if "lexicon" not in stages:
        scan_words = [False] * n
    elif ctx.extra_words:
        scan_words = [True] * n
    else:
        # Where the shipped lists' automaton finds nothing, ``lexicon.scan`` returns [] at once.
        scan_words = lexicon.may_match_many([norm.text for norm in norms])
    run_links = "links" in stages
    link_bit = hints.LINK
    ruleset = ctx.rules or _DEFAULT_RULES
    # A text with nothing found, no window and rules that look at findings only is allowed as is:
    # exactly what ``_back`` would conclude, without the call.
    plain_ok = (ctx.window is None or "dedup" not in stages) and not ruleset.reads_text
    out: list[Verdict] = []
    for text, (norm, found, contacts), cls, words, f in zip(
        texts, fronts, classified, scan_words, flags, strict=True
    ):
        links_too = run_links and bool(f & link_bit)
        if plain_ok and not found and not cls and not words and not links_too:
            out.append(Verdict("allow", text, []))
        else:
            out.append(_back(text, norm, ctx, found, contacts, cls, words, links_too))
    return out


def _front(text: str, stages: frozenset[str]) -> tuple[Normalized, list[Finding], list[Finding]]:
    """Normalize and find personal data: (normalized text, findings so far, contact details)."""
    norm = normalize(text)
    if "pii" not in stages:
        return norm, [], []
    found = pii.scan(norm)
    if not found:
        return norm, found, []
    return norm, found, [f for f in found if f.category in _CONTACT]


def _back(
    text: str,
    norm: Normalized,
    ctx: ScreenContext,
    findings: list[Finding],
    contacts: list[Finding],
    classified: Sequence[Finding] | None,
    scan_words: bool,
    scan_links: bool,
) -> Verdict:
    """Word lists, links, duplicates and the rules, given the classifier's findings."""
    stages = ctx.stages
    label_words: list[Finding] = []
    if scan_words:
        words = lexicon.scan(norm, extra_words=ctx.extra_words)
        if contacts and words:
            label_words = [w for w in words if _is_contact_label(w, contacts)]
        findings.extend(words)
    link_findings: list[Finding] = links.scan(norm) if scan_links else []
    findings.extend(link_findings)
    if classified:
        findings.extend(classified)
    if ctx.window is not None and "dedup" in stages:
        has_platform = any(f.category == "platform" for f in link_findings)
        findings.extend(
            ctx.window.check(
                norm.text,
                author_id=ctx.author_id,
                now=time.time() if ctx.now is None else ctx.now,
                add=ctx.remember,
                allow_copy=not has_platform,
            )
        )

    ruleset = ctx.rules or _DEFAULT_RULES
    # A word that only labels a contact detail ("加我微信", "扣扣" right before the ID) is the same
    # evidence as the contact finding itself: the verdict lists it, the rules do not count it twice.
    decided = [f for f in findings if f not in label_words] if label_words else findings
    decision = ruleset.decide(norm.text, decided, standing=ctx.standing)
    if not findings:
        return Verdict(decision.action, text, findings, decision.reason_zh, decision.reason_en)  # type: ignore[arg-type]
    if len(findings) > 1:
        findings.sort(key=_span_key)
    return Verdict(
        action=decision.action,  # type: ignore[arg-type]
        text=_apply_edits(text, findings, decision.exempt),
        findings=findings,
        reason_zh=decision.reason_zh,
        reason_en=decision.reason_en,
        clean_links=[f.detail["clean"] for f in link_findings if "clean" in f.detail],
    )


def _span_key(f: Finding) -> tuple[int, int]:
    return f.start, f.end
