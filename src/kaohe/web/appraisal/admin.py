"""Admin views of the appraisal data: read-mostly, because changes must go through the
services (permission check, optimistic lock, audit event)."""

from django.contrib import admin

from kaohe.web.appraisal.models import (
    Appeal,
    Cycle,
    KpiComputation,
    Rating,
    SchemeSnapshot,
    ScoreVersion,
    Sheet,
    UploadBatch,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Cycle)
class CycleAdmin(ReadOnlyAdmin):
    list_display = ("name", "company", "period", "label", "start", "end", "status")


@admin.register(Sheet)
class SheetAdmin(ReadOnlyAdmin):
    list_display = ("cycle", "employee", "state", "version", "current_score")
    list_filter = ("cycle", "state")


@admin.register(SchemeSnapshot)
class SchemeSnapshotAdmin(ReadOnlyAdmin):
    list_display = ("scheme_id", "version", "position_code", "level", "period", "created_at")


@admin.register(ScoreVersion)
class ScoreVersionAdmin(ReadOnlyAdmin):
    list_display = ("sheet", "number", "kind", "total", "grade", "created_by", "created_at")


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ("sheet", "indicator", "role", "score", "deadline", "submitted_at")


@admin.register(KpiComputation)
class KpiComputationAdmin(ReadOnlyAdmin):
    list_display = ("cycle", "number", "computed_at", "source", "superseded_by")


@admin.register(UploadBatch)
class UploadBatchAdmin(ReadOnlyAdmin):
    list_display = ("cycle", "file_name", "table", "status", "rows_read", "rows_loaded", "uploaded_at")


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ("sheet", "filed_at", "outcome", "re_reviewer", "resolved_at")
