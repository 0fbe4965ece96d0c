"""Kaohe's integration API: records in, KPI values, sheets, results and the audit trail out."""
