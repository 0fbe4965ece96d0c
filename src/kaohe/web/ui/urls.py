"""URLs of the pages (namespace "ui"), mounted at the site root by kaohe.web.urls."""

from django.urls import path
from django.views.i18n import set_language

from .views import (
    account,
    appeals,
    audit,
    competency,
    cycles,
    employees,
    ratings,
    setup_org,
    setup_people,
    setup_preset,
    sheets,
    team,
    uploads,
)

app_name = "ui"

urlpatterns = [
    path("", account.home, name="home"),
    path("login/", account.LoginView.as_view(), name="login"),
    path("logout/", account.LogoutView.as_view(), name="logout"),
    # Django's own language switch (POST language + next), kept in the session/cookie
    path("i18n/setlang/", set_language, name="set_language"),
    # the employee
    path("me/", sheets.my_appraisal, name="my_appraisal"),
    path("sheets/<int:pk>/", sheets.sheet_detail, name="sheet"),
    path("sheets/<int:pk>/kpi/<slug:indicator>/", sheets.kpi_records, name="kpi_records"),
    path("sheets/<int:pk>/targets/", sheets.targets_letter, name="targets"),
    path("sheets/<int:pk>/step/<slug:name>/", sheets.sheet_step, name="sheet_step"),
    path("sheets/<int:pk>/self-rating/", ratings.self_rating, name="self_rating"),
    path("sheets/<int:pk>/interview/", appeals.interview, name="interview"),
    path("sheets/<int:pk>/appeal/", appeals.file_appeal, name="file_appeal"),
    path("sheets/<int:pk>/appeals/", appeals.appeal_for_sheet, name="appeal_for_sheet"),
    path("sheets/<int:pk>/competency/", competency.competency, name="competency"),
    path("competency/", competency.competency_list, name="competency_list"),
    # supervisor and reviewer
    path("team/", team.my_team, name="my_team"),
    path("sheets/<int:pk>/rate/", ratings.supervisor_rating, name="supervisor_rating"),
    path("review/", team.review_queue, name="review_queue"),
    path("sheets/<int:pk>/review/", team.review_sheet, name="review_sheet"),
    path("sheets/<int:pk>/review-rating/", ratings.reviewer_rating, name="reviewer_rating"),
    # 360 raters, internal customers and QA officers
    path("ratings/", ratings.rating_requests, name="rating_requests"),
    path("sheets/<int:pk>/request-ratings/", ratings.request_ratings, name="request_ratings"),
    path("sheets/<int:pk>/rate/<slug:role>/", ratings.other_rating, name="other_rating"),
    # HR
    path("hr/", cycles.hr_home, name="hr_home"),
    path("hr/employees/import/", employees.import_employees, name="import_employees"),
    path("hr/employees/template.xlsx", employees.employee_template, name="employee_template"),
    path("cycles/", cycles.cycle_list, name="cycle_list"),
    path("cycles/new/", cycles.open_cycle, name="open_cycle"),
    path("cycles/<int:pk>/", cycles.cycle_progress, name="cycle_progress"),
    path("cycles/<int:pk>/compute/", cycles.compute_kpis, name="compute_kpis"),
    path("cycles/<int:pk>/step/<slug:name>/", cycles.cycle_bulk_step, name="cycle_bulk_step"),
    path("cycles/<int:pk>/calibration/", cycles.calibration_board, name="calibration_board"),
    path("sheets/<int:pk>/calibrate/", cycles.calibrate_sheet, name="calibrate_sheet"),
    path("cycles/<int:pk>/upload/", uploads.upload, name="upload"),
    path("uploads/<int:pk>/", uploads.upload_report, name="upload_report"),
    path("uploads/<int:pk>/mapping/", uploads.upload_mapping, name="upload_mapping"),
    path("uploads/<int:pk>/job/", uploads.upload_job, name="upload_job"),
    # HR setup (shell): org tree, employees, logins, roles, company settings
    path("hr/setup/", setup_org.setup_home, name="setup_home"),
    path("hr/setup/org/", setup_org.org_tree, name="setup_org"),
    path("hr/setup/org/preset/", setup_preset.org_preset, name="setup_org_preset"),
    path("hr/setup/org/departments/new/", setup_org.department_form, name="setup_department_add"),
    path("hr/setup/org/departments/<int:pk>/", setup_org.department_form, name="setup_department"),
    path("hr/setup/org/teams/new/", setup_org.team_form, name="setup_team_add"),
    path("hr/setup/org/teams/<int:pk>/", setup_org.team_form, name="setup_team"),
    path("hr/setup/company/", setup_org.company_settings, name="setup_company"),
    path("hr/setup/employees/", setup_people.employee_directory, name="setup_employees"),
    path("hr/setup/employees/new/", setup_people.employee_add, name="setup_employee_add"),
    path("hr/setup/employees/<int:pk>/", setup_people.employee_detail, name="setup_employee"),
    path("hr/setup/employees/<int:pk>/edit/", setup_people.employee_edit, name="setup_employee_edit"),
    path("hr/setup/employees/<int:pk>/move/", setup_people.employee_move, name="setup_employee_move"),
    path("hr/setup/employees/<int:pk>/leave/", setup_people.employee_leave, name="setup_employee_leave"),
    path("hr/setup/employees/<int:pk>/login/", setup_people.employee_login, name="setup_employee_login"),
    path("hr/setup/roles/", setup_people.roles, name="setup_roles"),
    path("hr/setup/roles/<int:pk>/revoke/", setup_people.revoke_role, name="setup_role_revoke"),
    path("account/password/", setup_people.change_password, name="change_password"),
    # appeals and audit
    path("appeals/", appeals.appeal_list, name="appeal_list"),
    path("appeals/<int:pk>/", appeals.appeal_detail, name="appeal"),
    path("appeals/files/<int:pk>/", appeals.appeal_file, name="appeal_file"),
    path("audit/", audit.audit_trail, name="audit_trail"),
]
