"""Kaohe's server-rendered pages: the screens agents, supervisors, reviewers, HR and auditors use."""
