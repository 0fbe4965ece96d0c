"""Render docs/kpi-catalog.md from the registry (Chinese first, English second).

Regenerate with ``python -m kaohe.metrics.catalog.docs > docs/kpi-catalog.md``; a test
fails when a registered KPI is missing from the file.
"""

from __future__ import annotations

from kaohe.metrics.catalog.registry import KpiDefinition, Param, list_kpis

_DIRECTION_ZH = {"higher": "越高越好", "lower": "越低越好", "band": "区间内为好", "none": "不评优劣"}

HEADER_ZH = """# KPI 目录 / KPI catalog

> 本文件由 `python -m kaohe.metrics.catalog.docs` 根据 KPI 注册表生成,请勿手工修改表格。
> Generated from the KPI registry by `python -m kaohe.metrics.catalog.docs`; do not edit the tables by hand.

## 中文

### 通用约定

- **计算口径**:每个 KPI 只实现一次(Ibis 表达式),在 DuckDB 与 Spark 上结果相同。
- **层级汇总**:每个 KPI 先按员工(座席)算出分子、分母和样本量,再按组织表(`org`)汇总到班组、部门、中心,
  以及全公司(`company`)和队列(`queue`,仅限呼叫类指标)。汇总时分子、分母分别求和后再相除,
  **从不对平均数再求平均**。
- **样本量**:每个值都带样本量(呼叫数、问卷数、工单数等,见下表“样本”列),供考核方案设置最小样本规则。
  样本量为 0 的值记为**缺失**(`None`),不会记为 0;缺失的含义由考核方案规定。
- **时区与期间**:时间戳以 UTC 存储;日、月、季、年按公司时区(默认 Asia/Shanghai)切分。
  在期间内无夏令时的时区按固定偏移(+8 小时)计算,否则通过期间边界表关联。
  期间可为某日(`2026-10-01`)、某月(`2026-10`)、某季(`2026-Q4`)、某年(`2026`)或区间(`起/止`,不含止日),
  并可按日、月、季、年细分。
- **跨日呼叫**:呼叫归入其进线时间(`offered_at`)所在的日期;座席状态与排班时段跨越零点时按实际落在各日的时长拆分。
- **工作日**:按国家法定节假日及调休(`chinese-calendar` 软件包),可由公司覆盖。没有官方安排的年份一律拒绝计算,
  并提示人力资源导入该年的节假日与调休安排(CSV:`date,kind`,kind 为 `holiday` 或 `workday`)。
- **来源追溯**:每个值记录其输入表的行数与导入批次(`_batch_id`)及计算时间;更正数据后重新计算会生成新版本,
  旧版本保留(`valid_from` / `superseded_at` / `version`)。

### 各类指标口径

- **呼叫**:接通(`outcome = answered`)含呼入与呼出(表9-26 平均通话时间口径);服务水平、平均应答速度、呼损率只看呼入;
  呼入量 = 接通 + 放弃(`other` 不计);进线后 `short_abandon_s` 秒内挂断为短放弃。
  被转接的呼叫计入转接率;客户在转接后再次来电,按重复来电计入首次解决率。
- **未到座席的呼叫归属(队列归属规则)**:在队列中放弃、从未接通到座席的呼叫没有 `agent_id`,
  但它们属于服务水平、呼损率等队列指标的分母。归属规则如下:
  1. 有座席(且座席在组织表中)的记录按座席汇总:接通的呼叫永远计入接听座席所在的班组、部门、中心;
  2. 没有座席的记录按其队列归属:可选的 `queues` 维度表(`queue → team_id / department_id / center_id`)
     指明队列归哪个单位;只填了班组时,部门与中心按组织表推出(该班组所属部门、该部门所属中心);
  3. 没有队列映射时,在**中心**层级:组织表只有一个中心,则全部记录归该中心(中心数字与全公司一致);
     组织表有多个中心,则受影响的中心指标值记为缺失,并在 `missing_reason` 中说明原因(哪些队列无法归属),
     而不是悄悄丢掉这些呼叫;不受影响的指标(如平均处理时长、平均应答速度)照常计算;
  4. 没有队列映射时,**班组、部门**层级只含其成员的记录:放弃呼叫只有在队列映射到该班组或部门时才计入。
     若班组主管的考核指标是班组服务水平或呼损率,请导入 `queues` 表;
  5. 全公司(`company`)与队列(`queue`)层级始终包含全部记录。
  同一规则适用于其他没有员工归属的记录(如没有座席的满意度问卷、没有负责人的工单):按上述第 3 条计入唯一的中心。
- **首次解决率**:有客户标识的接通呼入,若同一客户在 `window_days` 天内(自本次进线时间起)没有再次来电(含放弃)则为已解决;
  窗口可越过期末。
- **有效工作率与占用率**:均取自座席状态。有效工作率 = (通话 + 话后处理) ÷ 签入时长(除 `logout` 外的全部状态);
  占用率 = (通话 + 保持 + 话后处理) ÷ (通话 + 保持 + 话后处理 + 就绪)。
- **工单**:`ticket_count` 统计指向员工(`caused_by_id`)的工单;响应、解决、重开类指标归工单负责人(`owner_id`)。
  解决率以期末为截止,重算结果不随时间变化。
- **客户**:归客户负责人(`owner_id`);期初在册 = 获得时间早于期初(或为空)且未在期初前流失。回访完成率按期末时点、
  回访周期内任何人的回访都算。
- **考勤、培训、事件**:员工在期间内没有任何记录时为缺失;方案可规定缺失即“无扣分”。
- **计划**:计划行的期间(`YYYY-MM`、`YYYY-Qn`、`YYYY`)须完整落在所计算的期间(或细分时段)之内;
  实际值为空的行不计入分子分母。

### Python 接口

```python
from kaohe.metrics import compute_kpis, duckdb_backend, WorkCalendar, ProvenanceStore

src = duckdb_backend(data_dir="DATA")            # 或 duckdb_backend(tables={...}) / spark_backend(...)
values = compute_kpis(src, ["aht", ("service_level", {"threshold_s": 30})], "2026-10",
                      level="team", tz="Asia/Shanghai", grain="day")
ProvenanceStore("kpi.duckdb").record(values)     # 保存并保留历史版本
```

自定义指标与内置指标一样,通过 `kaohe.metrics.register_kpi(KpiDefinition(...))` 注册。
"""

HEADER_EN = """## English

### Conventions

- **One implementation**: each KPI is written once as an Ibis expression and gives equal results on DuckDB and Spark.
- **Roll-ups**: each KPI yields a numerator, a denominator and a sample size per employee; the org table (`org`)
  sums them up to team, department and center, and to `company` and `queue` (call KPIs only). Sums are divided
  only at the end: **never an average of averages**.
- **Sample size**: every value carries its sample size (calls, surveys, tickets, ... — the "sample" column below)
  so schemes can apply minimum-sample rules. A value with sample size 0 is **missing** (`None`), never 0; the
  scheme says what missing means.
- **Time zone and periods**: timestamps are stored in UTC; days, months, quarters and years are cut in the
  company zone (Asia/Shanghai by default) by a fixed offset when the zone has no DST change in the period, else
  through a join with the period boundaries. A period is a day, month (`2026-10`), quarter (`2026-Q4`), year or
  an explicit `start/end` range (end exclusive), optionally cut by day, month, quarter or year.
- **Calls over midnight** belong to the day they were offered; agent states and schedules crossing midnight are
  split by the time that fell on each day.
- **Working days** follow the statutory calendar with its make-up workdays (`chinese-calendar`), with company
  overrides. A year without an official schedule is refused until HR imports it (CSV `date,kind`, kind =
  `holiday` or `workday`).
- **Provenance**: every value lists the rows and import batches (`_batch_id`) of its inputs and when it was
  computed; recomputing after a correction adds a new version and keeps the old one.

### KPI family conventions

- **Calls**: handled (`outcome = answered`) counts inbound and outbound (as table 9-26 does for talk time);
  service level, ASA and abandon rate use inbound calls; offered = answered + abandoned (`other` is neither);
  an abandon within `short_abandon_s` of the offer is short. A customer calling back after a transfer is a
  repeat contact for FCR.
- **Calls that never reached an agent (queue attribution)**: a caller who hangs up in the queue leaves a call
  with no `agent_id`, yet it belongs in the denominator of service level and abandon rate. Such rows are placed
  as follows:
  1. rows of an agent listed in the org roll up by the agent: an answered call always counts for the team,
     department and center of the agent who took it;
  2. rows without an agent are placed by their queue: the optional `queues` dimension
     (`queue → team_id / department_id / center_id`) names the owning unit; when only a team is given, its
     department and center are taken from the org;
  3. without a queue mapping, at **center** level: if the org has one center, every row belongs to it (the
     center figure equals the company figure); if it has several, the center values those rows would change are
     reported missing with a `missing_reason` naming the queues, instead of silently leaving the calls out;
     values they do not change (AHT, ASA) are computed as usual;
  4. without a queue mapping, **team and department** figures hold their members' rows only: abandons count for
     a team or department only where a queue is mapped to it. Load a `queues` table when a supervisor is rated
     on the team's service level or abandon rate;
  5. the `company` and `queue` levels always count every row.
  Other rows without an employee (a survey with no agent, a ticket with no owner) follow rule 3: they count for
  the only center.
- **FCR**: a handled inbound call with a known customer is resolved when the customer does not call again
  (abandoned calls included) within `window_days` of this call's offer time; the window may run past the period.
- **Effective work rate and occupancy** both come from agent states: effective work rate = (talk + ACW) /
  logged-in time (every state but `logout`); occupancy = (talk + hold + ACW) / (talk + hold + ACW + ready).
- **Tickets**: `ticket_count` counts tickets concerning the employee (`caused_by_id`); response, resolution and
  reopen KPIs belong to the ticket owner (`owner_id`). Resolution rate is cut at the period end, so recomputing
  later gives the same figure.
- **Customers** belong to their owner; *at start* = acquired before the start (or no date) and not churned
  before it. Callback completion is judged at the bucket end; a visit by anyone within the cycle counts.
- **Attendance, training, incidents**: an employee with no rows in the period is missing; a scheme may say that
  missing means "no deduction".
- **Plans**: a plan row counts when its labelled period (`YYYY-MM`, `YYYY-Qn`, `YYYY`) lies wholly inside the
  period (or bucket); rows with no actual yet are left out of both sums.

### Python API

```python
from kaohe.metrics import compute_kpis, duckdb_backend, WorkCalendar, ProvenanceStore

src = duckdb_backend(data_dir="DATA")            # or duckdb_backend(tables={...}) / spark_backend(...)
values = compute_kpis(src, ["aht", ("service_level", {"threshold_s": 30})], "2026-10",
                      level="team", tz="Asia/Shanghai", grain="day")
ProvenanceStore("kpi.duckdb").record(values)     # store, keeping earlier versions
```

A customer's own KPI is registered exactly like the built-ins: `kaohe.metrics.register_kpi(KpiDefinition(...))`.
"""


DEFINITIONS_ZH = """### 各中心自选的指标口径

各厂商对同一指标的口径不同(仅服务水平对放弃呼叫就有三种处理),中心须能与自己墙板上的数字对上。
下列参数即各中心可选的口径;在 Web 应用中由人力资源在“指标口径”页面按公司设置(保留历史),
对公司所有方案生效,覆盖方案中同名参数。各厂商对应关系按其公开文档整理,版本与配置不同时请以贵中心系统设置为准。

| 指标与参数 | 可选值 | 厂商对应 |
|---|---|---|
| 服务水平 `threshold_s` | 秒数,默认 20 | 各厂商均按队列/技能设置阈值(Avaya CMS 的 acceptable service level,Genesys Cloud 队列 SLA 目标,Amazon Connect 的 “Service level X seconds”) |
| 服务水平 `abandon_treatment` | `exclude_short`(默认:短放弃不计,其余放弃计为未达标)、`exclude`(放弃全不计)、`count_as_miss`(放弃全部计为未达标)、`count_as_met`(阈值内放弃计为达标) | Cisco UCCE 的三种 service level type 正对应 `exclude`、`count_as_miss`、`count_as_met`,另有短放弃时长;Avaya CMS 分母为 CALLSOFFERED(`count_as_miss`);Genesys Cloud 组织设置可选是否计入放弃与短放弃;Amazon Connect 服务水平以入队呼叫为分母(`count_as_miss`);NICE CXone、Five9 常见做法为阈值内放弃不计(`exclude_short`,短放弃阈值取服务水平阈值) |
| 服务水平/呼损率 `short_abandon_s` | 秒数,默认 5;0 表示没有短放弃 | Cisco 的 abandon wait time、Genesys Cloud 的 short abandon 阈值 |
| 呼损率 `denominator` | `offered`(接通 + 放弃,默认)、`entered`(所有进入队列的呼入,含超时、按键离开) | Avaya、Genesys、NICE、Five9:放弃 ÷ 呼入(offered);Amazon Connect:放弃 ÷ 入队(entered) |
| 平均应答速度 `include_ring` | `true`(默认,含座席振铃)、`false`(只算排队) | Avaya ANSTIME、Cisco AnswerWaitTime、Genesys tAnswered 均含振铃;只看排队时间的墙板(“平均排队时长”)取 `false` |
| 平均处理时长 `components` | `talk+hold+acw`(默认)、`talk+hold`、`talk+acw`、`talk`、`talk+hold+acw+dial`(含外呼拨号) | Genesys tHandle、Cisco HandleTime、Amazon Connect、NICE、Five9:通话 + 保持 + 话后;Avaya CMS:(ACDTIME + ACWTIME) ÷ ACDCALLS,保持含在 ACDTIME 中;Genesys、Five9 外呼可计入拨号时间(`dial`) |
| 占用率 `denominator` | `handling_ready`(处理 + 就绪,默认)、`logged_in`(签入时长)、`logged_in_minus_break`(签入减小休) | Cisco、Amazon Connect、NICE WFM、Genesys:处理 ÷(处理 + 空闲);Five9 utilization:处理 ÷ 签入;Avaya:(ACD + ACW)÷(STAFFED − AUX) |
| 首次解决率 `window_days`、`repeat` | 天数(默认 7);`any`(任何来电)、`same_queue`(同一队列)、`same_reason`(同一原因/处理结果) | 各厂商多以重复来电分析实现:NICE、Five9 按处理结果(disposition),Genesys、Amazon Connect 常按队列;窗口一般为 1–7 天 |

区间报表(Avaya CMS、Genesys Cloud、阿里云)只含其自身阈值下的计数:服务水平只能按报表的阈值(`sl_threshold_s`)计算,
其他阈值为缺失;短放弃按报表自己的短放弃定义;处理类指标读座席行,队列类指标(服务水平、平均应答速度、呼损率)读队列行,
同时导入座席表与队列表也不会重复计算。来源追溯注明“来自区间报表”,没有逐条呼叫明细。
同一时段既导入了逐条记录又导入了区间报表时,两者相加:每个时段请只导入其中一种。
"""

DEFINITIONS_EN = """### KPI definitions each center chooses

Vendors disagree on what a KPI means (service level alone has three treatments of abandoned calls), and a center
must be able to reconcile Kaohe's figures with its own wallboard. The parameters below are the choices; in the
web app HR sets them per company on the "KPI definitions" page (with history), and they apply to every scheme
of the company, over the scheme's own value of the same parameter. The vendor equivalents are read from their
public documentation; versions and settings differ, so check your own platform's configuration.

| KPI and parameter | choices | vendor equivalents |
|---|---|---|
| service level `threshold_s` | seconds, default 20 | every vendor sets it per queue or skill (Avaya CMS acceptable service level, Genesys Cloud queue SLA target, Amazon Connect "Service level X seconds") |
| service level `abandon_treatment` | `exclude_short` (default: short abandons left out, other abandons count against), `exclude` (abandons left out), `count_as_miss` (all abandons count against), `count_as_met` (abandons within the threshold count in favour) | Cisco UCCE's three service level types are exactly `exclude`, `count_as_miss` and `count_as_met`, with a short-abandon time on top; Avaya CMS divides by CALLSOFFERED (`count_as_miss`); Genesys Cloud's organisation setting chooses whether abandons and short abandons count; Amazon Connect divides by queued contacts (`count_as_miss`); NICE CXone and Five9 commonly leave out abandons within the threshold (`exclude_short` with the short-abandon time set to the threshold) |
| service level / abandon rate `short_abandon_s` | seconds, default 5; 0 = no short abandons | Cisco abandon wait time, Genesys Cloud short abandon threshold |
| abandon rate `denominator` | `offered` (answered + abandoned, default), `entered` (every call that entered the queue, timeouts and key exits included) | Avaya, Genesys, NICE, Five9: abandons ÷ offered; Amazon Connect: abandons ÷ queued (`entered`) |
| ASA `include_ring` | `true` (default, the agent's ring time included), `false` (queue time only) | Avaya ANSTIME, Cisco AnswerWaitTime and Genesys tAnswered include ringing; wallboards showing "average queue time" match `false` |
| AHT `components` | `talk+hold+acw` (default), `talk+hold`, `talk+acw`, `talk`, `talk+hold+acw+dial` (outbound dialing too) | Genesys tHandle, Cisco HandleTime, Amazon Connect, NICE, Five9: talk + hold + ACW; Avaya CMS: (ACDTIME + ACWTIME) ÷ ACDCALLS with hold inside ACDTIME; Genesys and Five9 can count outbound dialing (`dial`) |
| occupancy `denominator` | `handling_ready` (handling + ready, default), `logged_in` (logged-in time), `logged_in_minus_break` | Cisco, Amazon Connect, NICE WFM, Genesys: handling ÷ (handling + idle); Five9 utilization: handling ÷ logged-in; Avaya: (ACD + ACW) ÷ (STAFFED − AUX) |
| FCR `window_days`, `repeat` | days (default 7); `any` (any call), `same_queue`, `same_reason` (same disposition) | usually repeat-contact analytics: NICE and Five9 by disposition, Genesys and Amazon Connect often by queue; windows of 1–7 days |

Interval reports (Avaya CMS, Genesys Cloud, Alibaba Cloud) hold counts for their own thresholds only: service
level is computed for the report's threshold (`sl_threshold_s`) and is missing for any other; short abandons are
the report's own. Handling KPIs read a report's agent rows and queue KPIs (service level, ASA, abandon rate) its
queue rows, so loading both an agent and a split table never counts a call twice. Provenance says "from an
interval report": there is no per-call drill-down. Records and an interval report loaded for the same period add
up: load one or the other for each period.
"""


def _params(params: tuple[Param, ...], zh: bool) -> str:
    if not params:
        return "—"
    out = []
    for p in params:
        default = "必填" if zh and p.required else ("required" if p.required else repr(p.default))
        choices = f" ∈ {{{', '.join(map(str, p.choices))}}}" if p.choices else ""
        doc = p.doc_zh if zh else p.doc_en
        out.append(f"`{p.name}`: {p.type} = {default}{choices}" + (f"({doc})" if zh and doc else f" ({doc})" if doc else ""))
    return "<br>".join(out)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _row(k: KpiDefinition, zh: bool) -> str:
    if zh:
        cols = [f"`{k.id}`", k.name_zh, k.unit, _DIRECTION_ZH[k.direction], k.definition_zh + (" " + k.notes_zh if k.notes_zh else ""),
                f"`{k.formula}`", _params(k.params, True), k.sample_zh, ", ".join(k.inputs)]
    else:
        cols = [f"`{k.id}`", k.name_en, k.unit, k.direction, k.definition_en + (" " + k.notes_en if k.notes_en else ""),
                f"`{k.formula}`", _params(k.params, False), k.sample_en, ", ".join(k.inputs)]
    return "| " + " | ".join(_cell(c) for c in cols) + " |"


def render() -> str:
    kpis = list_kpis()
    zh_head = "| 编号 | 名称 | 单位 | 方向 | 定义 | 公式 | 参数(默认值) | 样本 | 数据来源 |\n|---|---|---|---|---|---|---|---|---|"
    en_head = "| id | name | unit | direction | definition | formula | parameters (defaults) | sample | inputs |\n|---|---|---|---|---|---|---|---|---|"
    parts = [HEADER_ZH, DEFINITIONS_ZH, f"### 指标一览(共 {len(kpis)} 项)\n", zh_head, *(_row(k, True) for k in kpis), "",
             HEADER_EN, DEFINITIONS_EN, f"### Catalog ({len(kpis)} KPIs)\n", en_head,
             *(_row(k, False) for k in kpis), ""]
    return "\n".join(parts)


if __name__ == "__main__":
    print(render(), end="")
