"""Kaohe (考核): performance appraisal for customer-service departments and call centers."""

__version__ = "0.1.0"
