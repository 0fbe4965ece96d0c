"""System checks of the org configuration (stable ids KAOHE-Oxxx, each with a hint)."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core import checks
from django.db import DatabaseError


@checks.register("kaohe", deploy=False)
def check_company_time_zones(app_configs, **kwargs):  # type: ignore[no-untyped-def]
    from kaohe.web.org.models import Company

    found = []
    try:
        companies = list(Company.objects.all())
    except DatabaseError:  # not migrated yet: nothing to check
        return []
    for company in companies:
        try:
            ZoneInfo(company.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            found.append(checks.Error(
                f"公司 {company.code} 的时区 {company.time_zone!r} 无效 / company {company.code} has an unknown "
                f"time zone {company.time_zone!r}",
                hint="Use an IANA name such as Asia/Shanghai / 使用 IANA 时区名，如 Asia/Shanghai",
                obj=company, id="KAOHE-O001"))
        if company.min_peer_raters < 2:
            found.append(checks.Warning(
                f"公司 {company.code} 的 360 最少评价人数为 {company.min_peer_raters}，单个同事的评分可被识别 / "
                f"min_peer_raters={company.min_peer_raters} lets a single peer's rating be identified",
                hint="Set it to 3 or more / 建议设为 3 或以上", obj=company, id="KAOHE-O002"))
    return found
