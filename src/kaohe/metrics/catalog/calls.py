"""Call KPIs: handling time, service level, abandons, transfers, first-contact resolution.

Conventions (documented in docs/kpi-catalog.md):
- a call belongs to the bucket of its ``offered_at`` in company time, even when it
  ends after midnight;
- handled = ``outcome == 'answered'`` in either direction (seed 002 counts inbound and
  outbound talk alike); queue KPIs (service level, ASA, abandons) use inbound calls;
- offered = answered + abandoned inbound calls (``other`` outcomes are neither);
- an abandon is *short* when the caller hung up within ``short_abandon_s`` of being offered;
- a call that never reached an agent has no agent: team, department and center figures
  place it by the owner of its queue (see kaohe.metrics.attribution).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import ibis
import ibis.expr.types as ir

from kaohe.metrics.catalog.context import BuildContext, count_if, seconds_between, sum_if
from kaohe.metrics.catalog.registry import KpiDefinition, Param, register_kpi

CALLS = ("calls",)


def _answered(t: ir.Table) -> ir.BooleanValue:
    return t.outcome == "answered"


def _inbound(t: ir.Table) -> ir.BooleanValue:
    return t.direction == "in"


def _wait(t: ir.Table) -> ir.FloatingValue:
    """Seconds from offer to answer, or to hang-up for an abandon (computed once by the calls base)."""
    return t.wait_s


def _short_abandon(t: ir.Table, short_s: float) -> ir.BooleanValue:
    return (t.outcome == "abandoned") & (_wait(t) < short_s)


def _offered(t: ir.Table) -> ir.BooleanValue:
    return _inbound(t) & t.outcome.isin(["answered", "abandoned"])


def _d(col: ir.Column) -> ir.FloatingValue:
    return col.cast("float64").fill_null(0.0)


def handled_parts(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
    return {"num": count_if(_answered(t)), "den": ibis.literal(None, type="float64"), "n": t.count()}


# --- the same KPIs from interval reports (interval_stats: sums and counts per interval) -------
# Handling KPIs read the agent rows of a report (agent interval tables); queue KPIs read its queue
# rows (split / skill / queue tables, no agent), so loading both kinds never counts a call twice.
def _x(t: ir.Table, col: str, rows: str = "agent") -> ir.FloatingValue:
    keep = t.agent_id.notnull() if rows == "agent" else t.agent_id.isnull()
    return keep.ifelse(t[col].cast("float64").fill_null(0.0), 0.0)


def _s(t: ir.Table, col: str, rows: str = "agent") -> ir.FloatingScalar:
    return _x(t, col, rows).sum()


def _ratio(num: Any, den: Any) -> dict[str, Any]:
    return {"num": num, "den": den, "n": den}


def handled_interval(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
    return {"num": _s(t, "handled"), "den": ibis.literal(None, type="float64"), "n": _s(t, "handled")}


AHT_COMPONENTS = ("talk+hold+acw", "talk+hold", "talk+acw", "talk", "talk+hold+acw+dial")


def aht_parts(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
    parts = p["components"].split("+")
    a = _answered(t)
    total = _d(t.talk_s) * 0.0
    for name in parts:
        if name == "dial":  # the dialing time of outbound calls, recorded as their ring time
            total = total + (t.direction == "out").ifelse(_d(t.ring_s), 0.0)
        else:
            total = total + _d(t[f"{name}_s"])
    return {"num": sum_if(total, a), "den": count_if(a), "n": count_if(a)}


def aht_interval(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
    cols = {"talk": "talk_s", "hold": "hold_s", "acw": "acw_s", "dial": "dial_s"}
    total = _x(t, "talk_s") * 0.0
    for name in p["components"].split("+"):  # agent rows only (see _x)
        total = total + _x(t, cols[name])
    return _ratio(total.sum(), _s(t, "handled"))


def _per_handled_interval(col: str) -> Callable[[ir.Table, dict[str, Any]], dict[str, Any]]:
    def parts(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
        return _ratio(_s(t, col), _s(t, "handled"))

    return parts


def acw_interval(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
    return _ratio(_s(t, "acw_s"), _s(t, "acw_count"))


def transfer_interval(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
    return _ratio(_s(t, "transferred"), _s(t, "handled"))


def _offered_interval(t: ir.Table) -> ir.FloatingValue:
    q = t.agent_id.isnull()
    return q.ifelse(t.offered.cast("float64").fill_null(_x(t, "answered", "queue") + _x(t, "abandoned", "queue")), 0.0)


def service_level_interval(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
    """Only rows whose report threshold is the asked threshold count: a report counts calls within
    its own threshold and nothing else can be derived from it."""
    match = t.sl_threshold_s.cast("float64") == float(p["threshold_s"])
    off, short = _offered_interval(t), _x(t, "short_abandoned", "queue")
    within = _x(t, "answered_within", "queue")
    treatment = p["abandon_treatment"]
    if treatment == "exclude":
        den = _x(t, "answered", "queue")
    elif treatment == "count_as_miss":
        den = off
    else:
        den = off - short
    if treatment == "count_as_met":
        within = within + ibis.greatest(_x(t, "abandoned_within", "queue") - short, 0.0)
    num = match.ifelse(within, 0.0).sum()
    den_sum = match.ifelse(den, 0.0).sum()
    return _ratio(num, den_sum)


def asa_interval(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
    wait = _x(t, "answer_wait_s", "queue")
    if not p["include_ring"]:
        wait = wait - _x(t, "ring_s", "queue")
    return _ratio(wait.sum(), _s(t, "answered", "queue"))


def abandon_interval(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
    short = _x(t, "short_abandoned", "queue")
    return _ratio((_x(t, "abandoned", "queue") - short).sum(), (_offered_interval(t) - short).sum())


def _per_handled(value: Callable[[ir.Table], ir.FloatingValue]) -> Callable[[ir.Table, dict[str, Any]], dict[str, Any]]:
    def parts(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
        a = _answered(t)
        return {"num": sum_if(value(t), a), "den": count_if(a), "n": count_if(a)}

    return parts


def acw_parts(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
    episode = _answered(t) & (_d(t.acw_s) > 0)
    return {"num": sum_if(_d(t.acw_s), episode), "den": count_if(episode), "n": count_if(episode)}


def transfer_parts(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
    a = _answered(t)
    return {"num": count_if(a & t.transferred.fill_null(False)), "den": count_if(a), "n": count_if(a)}


SL_TREATMENTS = ("exclude_short", "exclude", "count_as_miss", "count_as_met")


def service_level_parts(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
    offered = _offered(t)
    answered = offered & _answered(t)
    in_time = answered & (_wait(t) <= p["threshold_s"])
    treatment = p["abandon_treatment"]
    short = _short_abandon(t, p["short_abandon_s"])
    if treatment == "exclude":
        counted = answered
    elif treatment in ("exclude_short", "count_as_met"):
        counted = offered & ~short
    else:  # count_as_miss
        counted = offered
    if treatment == "count_as_met":  # an abandon within the threshold counts in favour
        in_time = in_time | (offered & (t.outcome == "abandoned") & ~short & (_wait(t) <= p["threshold_s"]))
    return {"num": count_if(in_time), "den": count_if(counted), "n": count_if(counted)}


def asa_parts(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
    answered = _inbound(t) & _answered(t)
    wait = _wait(t) if p["include_ring"] else ibis.greatest(_wait(t) - _d(t.ring_s), 0.0)
    return {"num": sum_if(wait, answered), "den": count_if(answered), "n": count_if(answered)}


def abandon_parts(t: ir.Table, p: dict[str, Any]) -> dict[str, Any]:
    base = _offered(t) if p["denominator"] == "offered" else _inbound(t)  # entered: exits count too
    counted = base & ~_short_abandon(t, p["short_abandon_s"])
    return {"num": count_if(counted & (t.outcome == "abandoned")), "den": count_if(counted), "n": count_if(counted)}


def fcr_build(ctx: BuildContext, p: dict[str, Any]) -> ir.Table:
    """Handled inbound calls with a customer, and whether the customer called again within N days.

    The window runs over four narrow columns only (customer, time, agent, handled),
    never over whole call rows: this sort dominates the cost at 100M calls.
    """
    window = timedelta(days=p["window_days"])
    calls = ctx.table("calls", "fcr")
    # what counts as a repeat: any later call of the customer, or one to the same queue / for the same reason
    topic = {"any": ibis.literal(""), "same_queue": calls.queue.cast("string"),
             "same_reason": calls.disposition.cast("string").fill_null("")}[p["repeat"]]
    narrow = calls.filter(
        _inbound(calls) & calls.customer_id.notnull() & ctx.in_period(calls.offered_at, after=window)
    ).select("customer_id", "offered_at", "agent_id", handled=_answered(calls), topic=topic)
    w = ibis.window(group_by=[narrow.customer_id, narrow.topic], order_by=narrow.offered_at)
    narrow = narrow.mutate(next_at=narrow.offered_at.lead().over(w))
    mine = narrow.filter(narrow.handled & ctx.in_period(narrow.offered_at))
    mine = ctx.bucket_points(mine, "offered_at")
    repeat = mine.next_at.notnull() & (seconds_between(mine.offered_at, mine.next_at) <= window.total_seconds())
    return mine.group_by(employee_id=mine.agent_id, bucket=mine.bucket).aggregate(
        num=count_if(~repeat), den=mine.count(), n=mine.count()
    )


# Queue KPIs count calls no agent took; where those go is the queue attribution rule.
_QUEUE_NOTE_ZH = "未接通到座席的放弃呼叫按队列归属计入班组、部门、中心(见“未到座席的呼叫归属”)。"
_QUEUE_NOTE_EN = ("Abandons that never reached an agent count for the team, department and center that own "
                  "the queue (see queue attribution).")


def _reg(**kw: Any) -> None:
    kw.setdefault("rollup", "parts" in kw)  # parts are sums over rows: they add up over days
    kw.setdefault("inputs", CALLS)
    if "parts" in kw:
        kw.setdefault("base", "calls")
    register_kpi(KpiDefinition(**kw))


_reg(
    id="handled_calls", name_zh="接通量", name_en="Handled calls", unit="calls", direction="higher",
    definition_zh="座席接通并处理的来电与外呼数。", definition_en="Answered calls handled by the agent, inbound and outbound.",
    formula="count(outcome = answered)", sample_zh="分配给座席的呼叫数", sample_en="calls routed to the agent",
    kind="total", parts=handled_parts, interval_parts=handled_interval,
)
_reg(
    id="aht", name_zh="平均处理时长", name_en="Average handling time", unit="s", direction="lower",
    definition_zh="每个接通呼叫的通话、保持与话后处理时长之和的平均值。",
    definition_en="Talk, hold and after-call work per handled call.",
    formula="Σ(talk_s + hold_s + acw_s) / count(handled); components choose the terms (dial = ring_s of outbound calls)",
    sample_zh="接通呼叫数", sample_en="handled calls",
    parts=aht_parts, interval_parts=aht_interval,
    params=(Param("components", "str", "talk+hold+acw", choices=AHT_COMPONENTS,
                  doc_zh="计入的时长:通话、保持、话后处理、外呼拨号", doc_en="terms: talk, hold, ACW, outbound dialing"),),
)
_reg(
    id="avg_talk_time", name_zh="平均通话时间", name_en="Average talk time", unit="s", direction="band",
    definition_zh="通话总时长除以通话总次数,呼入与呼出均计入(表9-26)。",
    definition_en="Total talk time divided by the number of handled calls, inbound and outbound (table 9-26).",
    formula="Σ talk_s / count(handled)", sample_zh="接通呼叫数", sample_en="handled calls",
    parts=_per_handled(lambda t: _d(t.talk_s)), interval_parts=_per_handled_interval("talk_s"),
)
_reg(
    id="avg_acw_time", name_zh="平均话后处理时间", name_en="Average after-call work time", unit="s", direction="lower",
    definition_zh="话后处理总时长除以话后处理次数(有话后处理的接通呼叫,表9-26)。",
    definition_en="Total after-call work divided by the number of ACW episodes (handled calls with ACW > 0; table 9-26).",
    formula="Σ acw_s / count(handled with acw_s > 0)", sample_zh="有话后处理的呼叫数", sample_en="calls with ACW",
    parts=acw_parts, interval_parts=acw_interval,
)
_reg(
    id="avg_hold_time", name_zh="平均保持时长", name_en="Average hold time", unit="s", direction="lower",
    definition_zh="保持总时长除以接通呼叫数。", definition_en="Total hold time per handled call.",
    formula="Σ hold_s / count(handled)", sample_zh="接通呼叫数", sample_en="handled calls",
    parts=_per_handled(lambda t: _d(t.hold_s)), interval_parts=_per_handled_interval("hold_s"),
)
_reg(
    id="transfer_rate", name_zh="转接率", name_en="Transfer rate", unit="%", direction="lower",
    definition_zh="接通呼叫中被转接的比例。", definition_en="Share of handled calls that were transferred.",
    formula="count(handled ∧ transferred) / count(handled) × 100", sample_zh="接通呼叫数", sample_en="handled calls",
    scale=100.0, parts=transfer_parts, interval_parts=transfer_interval,
)
_reg(
    id="service_level", name_zh="服务水平", name_en="Service level", unit="%", direction="higher",
    definition_zh="在阈值秒数内接起的呼入占计入呼入的比例(X/Y);放弃呼叫的处理方式可选。",
    definition_en="Inbound calls answered within the threshold, over the counted offered calls (X/Y); "
    "the treatment of abandons is a parameter.",
    formula="count(answered ∧ wait ≤ threshold_s) / count(counted offered) × 100; counted offered: "
    "exclude_short = offered − short abandons, exclude = answered only, count_as_miss = all offered, "
    "count_as_met = offered − short abandons with abandons within the threshold counted as met",
    sample_zh="计入的呼入数", sample_en="counted offered calls", scale=100.0, parts=service_level_parts,
    interval_parts=service_level_interval,
    notes_zh=_QUEUE_NOTE_ZH, notes_en=_QUEUE_NOTE_EN,
    params=(
        Param("threshold_s", "float", 20.0, min=0, doc_zh="接起阈值(秒)", doc_en="answer threshold (s)"),
        Param("abandon_treatment", "str", "exclude_short", choices=SL_TREATMENTS,
              doc_zh="放弃呼叫的处理", doc_en="how abandons count"),
        Param("short_abandon_s", "float", 5.0, min=0, doc_zh="短放弃阈值(秒)", doc_en="short-abandon threshold (s)"),
    ),
)
_reg(
    id="asa", name_zh="平均应答速度", name_en="Average speed of answer", unit="s", direction="lower",
    definition_zh="接起的呼入从进线到接起的平均等待秒数。", definition_en="Mean wait of answered inbound calls.",
    formula="Σ(answered_at − offered_at [− ring_s]) / count(answered inbound)", sample_zh="接起的呼入数",
    sample_en="answered inbound calls", parts=asa_parts, interval_parts=asa_interval,
    params=(Param("include_ring", "bool", True, doc_zh="等待时间是否包含座席振铃时间",
                  doc_en="whether the wait includes the agent's ring time"),),
)
_reg(
    id="abandon_rate", name_zh="呼损率(放弃率)", name_en="Abandon rate", unit="%", direction="lower",
    definition_zh="呼入中客户挂断的比例,不计短放弃。", definition_en="Share of offered calls abandoned, short abandons left out.",
    formula="count(abandoned, wait ≥ short_abandon_s) / count(offered − short abandons) × 100; "
    "denominator entered also counts calls that left the queue otherwise (timeout, key, empty queue)",
    sample_zh="呼入数(不含短放弃)", sample_en="offered calls without short abandons", scale=100.0, parts=abandon_parts,
    interval_parts=abandon_interval,
    notes_zh=_QUEUE_NOTE_ZH, notes_en=_QUEUE_NOTE_EN,
    params=(Param("short_abandon_s", "float", 5.0, min=0, doc_zh="短放弃阈值(秒)", doc_en="short-abandon threshold (s)"),
            Param("denominator", "str", "offered", choices=("offered", "entered"),
                  doc_zh="分母:接通+放弃(offered),或全部进入队列的呼入(entered)",
                  doc_en="denominator: answered + abandoned (offered) or every call that entered the queue (entered)")),
)
_reg(
    id="fcr", name_zh="首次解决率", name_en="First-contact resolution", unit="%", direction="higher",
    definition_zh="有客户标识的接通呼入中,同一客户在 N 天内没有再次来电的比例。",
    definition_en="Handled inbound calls with a known customer after which the same customer did not call again within N days.",
    formula="count(handled ∧ no next inbound call of the customer within window_days) / count(handled with customer) × 100",
    sample_zh="有客户标识的接通呼入数", sample_en="handled inbound calls with a customer", scale=100.0, build=fcr_build,
    rollup=True, rollup_lookahead="window_days",
    rollup_index=("customer_id", "offered_at", "agent_id", "direction", "outcome", "queue", "disposition"),
    params=(Param("window_days", "int", 7, min=1, doc_zh="重复来电窗口(天)", doc_en="repeat-contact window (days)"),
            Param("repeat", "str", "any", choices=("any", "same_queue", "same_reason"),
                  doc_zh="何为重复来电:任何来电、同一队列、同一原因(处理结果)",
                  doc_en="what counts as a repeat: any call, the same queue, the same reason (disposition)")),
    notes_zh="重复来电包括放弃的来电;窗口从本次来电的进线时间起算。",
    notes_en="A repeat contact is any later inbound call of the customer, abandoned ones included, "
    "counted from this call's offer time.",
)
