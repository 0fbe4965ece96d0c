"""Scheduled jobs: nightly KPI recompute and rating-deadline reminders (management commands).

The runner is systemd timers (deploy/kaohe-*.timer): see docs/operations.md for why.
"""
