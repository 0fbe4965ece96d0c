"""The words of every notification, in Chinese and English, rendered in the reader's language.

Notifications keep their kind and parameters, not text: the bell shows each in the language
the reader has chosen today, and an email or robot post is rendered in the recipient's (or
the group's) language when it is queued. No scores or grades appear in these texts — a group
chat may be read by the whole team.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# kind → (zh title, en title, zh body, en body); bodies may name {employee}, {cycle}, {deadline}, {who}
TEXTS: dict[str, tuple[str, str, str, str]] = {
    "targets": ("请确认目标责任书", "Please acknowledge your targets",
                "{cycle}的目标责任书已下达，请阅读并确认。",
                "Your target letter for {cycle} has been issued; please read and acknowledge it."),
    "self_review": ("请完成自评", "Please complete your self-rating",
                    "{cycle}的自评已开始，请填写自评并提交。",
                    "The self-rating for {cycle} has started; please rate yourself and submit."),
    "rating_request": ("请为 {employee} 评分", "Please rate {employee}",
                       "您收到{cycle}中 {employee} 的评分邀请（{role}），截止 {deadline}。",
                       "You are asked to rate {employee} in {cycle} ({role}), due {deadline}."),
    "review": ("{employee} 的考核表等待您处理", "{employee}'s sheet is waiting for you",
               "{cycle}中 {employee} 的考核表已到“{step}”，请处理。",
               "{employee}'s sheet in {cycle} has reached '{step}'; please act on it."),
    "interview": ("绩效面谈：{employee}", "Feedback interview: {employee}",
                  "{cycle}中 {employee} 的{step}，请处理。",
                  "{cycle}, {employee}: {step}."),
    "result_published": ("考核结果已发布", "Your result is published",
                         "{cycle}的考核结果已发布，请查看。", "Your result for {cycle} is published; please read it."),
    "appeal_filed": ("收到 {employee} 的申诉", "{employee} filed an appeal",
                     "{employee} 对{cycle}的考核结果提出申诉，请指定复核人。",
                     "{employee} appealed the result of {cycle}; please assign a re-reviewer."),
    "appeal_review": ("请复核 {employee} 的申诉", "Please re-review {employee}'s appeal",
                      "您被指定为{cycle}中 {employee} 申诉的复核人。",
                      "You were assigned to re-review {employee}'s appeal in {cycle}."),
    "appeal_decided": ("申诉已处理", "Your appeal was decided",
                       "您对{cycle}考核结果的申诉已有处理结果，请查看。",
                       "Your appeal against the result of {cycle} was decided; please read the decision."),
    "dispute_decided": ("争议已裁定", "Your dispute was decided",
                        "您在{cycle}中提出的争议已有裁定，请查看。",
                        "The dispute you raised in {cycle} was decided; please read the decision."),
    "appeal_window": ("申诉期明日截止", "The appeal window closes tomorrow",
                      "{cycle}的申诉期于 {deadline} 截止；如对结果有异议，请在此之前提出申诉。",
                      "The appeal window for {cycle} closes on {deadline}; appeal before then if you disagree."),
    "overdue_digest": ("逾期事项：{count} 项", "Overdue: {count} item(s)",
                       "截至今日，以下事项已超过截止时间：", "These items are past their deadline as of today:"),
}

# Step and role names in messages (the workflow's own labels stay in the workflow module).
STEPS: dict[str, tuple[str, str]] = {
    "supervisor_review": ("考评", "supervisor review"),
    "reviewer_approval": ("审核", "reviewer approval"),
    "returned": ("退回考核人", "returned to the supervisor"),
    "hold_interview": ("面谈待进行", "the interview is to be held"),
    "confirm_interview": ("面谈记录待确认", "the interview record is to be confirmed"),
    "targets_set": ("确认目标责任书", "acknowledge the targets"),
    "self_review": ("自评", "self-rating"),
    "rating": ("评分", "rating"),
}
ROLES: dict[str, tuple[str, str]] = {
    "self": ("自评", "self"), "supervisor": ("考评", "supervisor"), "reviewer": ("审评", "reviewer"),
    "peer": ("同事评价", "peer"), "customer": ("内部客户评价", "internal customer"), "qa": ("质检", "QA"),
}
LINK_TEXT = ("在考核系统中打开", "Open in Kaohe")
ANONYMOUS = ("匿名评价人", "an anonymous rater")
GROUP_TO = ("提醒 {who}：", "For {who}: ")
DIGEST_OWN = ("您的事项", "Yours")
DIGEST_SCOPE = ("您负责范围内他人的事项", "Others' items in your scope")
DIGEST_LINE = ("{employee} · {cycle} · {step} · {who} · 截止 {due}（逾期 {late} 天）",
               "{employee} · {cycle} · {step} · {who} · due {due} ({late} day(s) late)")
DIGEST_MORE = ("另有 {n} 项，请在系统中查看。", "{n} more; see them in Kaohe.")
GROUP_STEP_LINE = ("{step}：{n} 项", "{step}: {n}")
GROUP_DIGEST = ("{scope}：{count} 项逾期事项", "{scope}: {count} overdue item(s)")
EMAIL_FOOTER = ("如需更改提醒方式，请打开“通知设置”：{prefs}", "To change how you are notified, open your settings: {prefs}")
DIGEST_LIMIT = 20


def _pick(pair: tuple[str, str], language: str) -> str:
    return pair[1] if language.startswith("en") else pair[0]


class _Blank(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> str:
        return ""


def _fmt(template: str, params: dict[str, Any]) -> str:
    return template.format_map(_Blank(params))


def localized_params(params: dict[str, Any], language: str) -> dict[str, Any]:
    out = dict(params)
    en = language.startswith("en")
    if "step_zh" in params:
        out["step"] = params["step_en"] if language.startswith("en") else params["step_zh"]
    elif "step" in params:
        out["step"] = _pick(STEPS.get(params["step"], (params["step"], params["step"])), language)
    if "role" in params:
        out["role"] = _pick(ROLES.get(params["role"], (params["role"], params["role"])), language)
    if params.get("anonymous"):
        out["who"] = _pick(ANONYMOUS, language)
    if not params.get("deadline"):
        out["deadline"] = "—"
    cycle = params.get("cycle_en" if en else "cycle") or params.get("cycle", "")
    out["cycle"] = cycle if en else f"“{cycle}”"
    return out


@dataclass(frozen=True)
class Rendered:
    title: str
    lines: list[str]


def render(kind: str, params: dict[str, Any], language: str) -> Rendered:
    zh_t, en_t, zh_b, en_b = TEXTS[kind]
    p = localized_params(params, language)
    en = language.startswith("en")
    title = _fmt(en_t if en else zh_t, p)
    lines = [_fmt(en_b if en else zh_b, p)]
    if kind == "overdue_digest":
        lines += _digest_lines(params, language)
    return Rendered(title, lines)


def _digest_lines(params: dict[str, Any], language: str) -> list[str]:
    out: list[str] = []
    for step in params.get("steps") or []:
        out.append("- " + _fmt(_pick(GROUP_STEP_LINE, language), localized_params(step, language)))
    for label, key in ((DIGEST_OWN, "own"), (DIGEST_SCOPE, "scope")):
        items = params.get(key) or []
        if not items:
            continue
        out.append(f"{_pick(label, language)}（{len(items)}）" if not language.startswith("en")
                   else f"{_pick(label, language)} ({len(items)})")
        for item in items[:DIGEST_LIMIT]:
            out.append("- " + _fmt(_pick(DIGEST_LINE, language), localized_params(item, language)))
        if len(items) > DIGEST_LIMIT:
            out.append(_fmt(_pick(DIGEST_MORE, language), {"n": len(items) - DIGEST_LIMIT}))
    return out


def pick(pair: tuple[str, str], language: str, **params: Any) -> str:
    return _fmt(_pick(pair, language), params)
