"""Fill the Chinese catalogue of the library pages from the table below, then compile it.

    .venv/bin/python src/kaohe/web/library/locale/translate_zh.py

(after `django-admin makemessages -l zh_Hans --no-location` run in src/kaohe/web/library).
A msgid without a translation here stops the script with its text.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ZH = {
    "Position library": "岗位库",
    "required level %(level)s": "要求等级 %(level)s",
    "company-wide": "全公司通用",
    "Where": "位置",
    "The book": "书中原版",
    "Our company": "本公司",
    "The same as the book.": "与书中原版相同。",
    "%(n)s fields need correcting; nothing was saved.": "有 %(n)s 处需要修改，未保存任何内容。",
    "Guidance for every position": "适用于所有岗位的解答",
    "Breadcrumb": "导航路径",
    "Our company's version": "本公司版本",
    "Work items and the KPIs drawn from them": "主要工作事项及由此提炼的指标",
    "KPIs": "指标",
    "Direction": "方向",
    "Definition": "定义",
    "Formula": "计算公式",
    "Where the value comes from": "数据来源",
    "KPI catalog": "KPI 目录",
    "Sample size counts": "样本量按此计数",
    "Counted in our company with": "本公司的统计口径",
    "Party A (sets the targets)": "甲方（下达目标）",
    "Party B (takes them on)": "乙方（承担目标）",
    "Purpose": "目的",
    "Targets": "目标",
    "Indicators, weights and targets": "考核指标、权重与目标值",
    "Target": "目标",
    "Duties": "职责",
    "Rewards": "奖励",
    "Penalties": "处罚",
    "Terms": "其他条款",
    "Appraisal procedure": "考核程序",
    "Who takes part": "参与人员",
    "Chinese only": "仅有中文",
    "When": "时间",
    "Evidence": "依据",
    "Result": "结果",
    "What the result changes": "考核结果的应用",
    "Appeals": "申诉",
    "Raters": "评分人",
    "weight %(w)s%%": "权重 %(w)s%%",
    "Scoring rule": "评分规则",
    "Missing value": "数据缺失",
    "Minimum sample": "最低样本量",
    "Indicator explanation": "指标说明",
    "Grades": "等级",
    "Forced distribution": "强制分布",
    "Missing values": "数据缺失",
    "Rounding": "舍入",
    "Source in the book": "书中出处",
    "Notes": "备注",
    "%(name)s uses the book's competency model and letter template for this position. Using them in your "
    "company makes a copy that HR can edit; the book stays as it is, and the copy shows what differs from the "
    "book.": "%(name)s 目前使用书中原版的胜任素质模型和目标责任书模板。点击「在本公司使用」会复制一份，由绩效管理员修改；"
             "书中原版保持不变，本公司版本会列出与原版的差异。",
    "Use in our company": "在本公司使用",
    "Only HR officers can take a position into the company's library.": "只有绩效管理员可以把岗位纳入本公司岗位库。",
    "Our company's copy, version %(v)s, last changed %(when)s.": "本公司版本，第 %(v)s 版，最后修改于 %(when)s。",
    "Competency model": "胜任素质模型",
    "Edit": "修改",
    "Differences from the book": "与书中原版的差异",
    "The whole competency model": "完整的胜任素质模型",
    "Target-responsibility letter template": "目标责任书模板",
    "The whole letter template": "完整的目标责任书模板",
    "Edit the competency model": "修改胜任素质模型",
    "Definition (English)": "定义（英文）",
    "Required level": "要求等级",
    "Level %(n)s": "第 %(n)s 级",
    "Level %(n)s (English)": "第 %(n)s 级（英文）",
    "Save": "保存",
    "Cancel": "取消",
    "Edit the letter template": "修改目标责任书模板",
    "one per line": "每行一条",
    "Fields filled for each employee when a cycle opens": "开启考核周期时按每位员工填写的字段",
    "For each indicator of the letter's scheme:": "责任书所用方案中的每项指标：",
    "The book's %(count)s customer-service positions, each with its five modules: KPIs, competency model, "
    "appraisal schemes, appraisal rules (target-responsibility letter and procedure) and guidance. The book is "
    "read-only; a position your company uses has its own competency model and letter, which HR edits.":
        "书中的 %(count)s 个客服岗位，每个岗位有五个模块：关键业绩指标、胜任素质模型、考核指标设计、绩效考核细则（目标责任书与考核程序）"
        "和关键问题解决。书中原版只读；本公司使用的岗位有自己的胜任素质模型和目标责任书，由绩效管理员修改。",
    "in our company": "本公司已使用",
    "Print": "打印",
    "The position": "岗位概况",
    "Reports to": "直接上级",
    "Leads": "直接下级",
    "Qualifications": "任职资格",
    "Schemes": "考核方案",
    "All five modules on one page, for printing": "五个模块合为一页，便于打印",
    "The position's competency model and letter template are now your company's own copies. Edit them below; "
    "the book stays as it is.": "该岗位的胜任素质模型和目标责任书模板已复制为本公司版本，可在下方修改；书中原版保持不变。",
    "The competency model is saved.": "胜任素质模型已保存。",
    "The letter template is saved.": "目标责任书模板已保存。",
    "Our company's schemes are edited in the scheme editor": "本公司的考核方案在方案编辑器中修改",
    "Library position used in the company": "岗位库岗位纳入本公司",
    "Company competency model changed": "修改本公司胜任素质模型",
    "Company letter template changed": "修改本公司目标责任书模板",
    "Only HR officers, directors and supervisors can read the position library":
        "只有绩效管理员、总监和主管可以查看岗位库",
}

PO = Path(__file__).resolve().parent / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _unquote(block: str) -> str:
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', block)).replace('\\"', '"')


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main() -> int:
    blocks = PO.read_text(encoding="utf-8").split("\n\n")
    out, missing = [], []
    for block in blocks:
        plural = re.search(r'^msgid_plural ((?:".*"\n?)+)', block, re.M)
        mid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        key = _unquote((plural or mid).group(1)) if mid else ""
        if not key:  # the header: not fuzzy, or msgfmt drops it with its charset
            out.append(re.sub(r"^#, fuzzy\n", "", block, flags=re.M).replace('"Language: \\n"', '"Language: zh_Hans\\n"'))
            continue
        if key not in ZH:
            missing.append(key)
            continue
        block = re.sub(r"^#, fuzzy.*\n", "", block, flags=re.M)
        head = block.split("\nmsgstr")[0]
        if plural:
            out.append(f"{head}\nmsgstr[0] {_quote(ZH[key])}")
        else:
            out.append(f"{head}\nmsgstr {_quote(ZH[key])}")
    if missing:
        print("no translation for:", *missing, sep="\n  ")
        return 1
    PO.write_text("\n\n".join(out).rstrip("\n") + "\n", encoding="utf-8")
    subprocess.run(["msgfmt", "-o", str(PO.with_suffix(".mo")), str(PO)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
