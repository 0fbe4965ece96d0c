"""Reports and dashboards over appraisal results (rankings, distribution, trends, quality, what-if).

Views only gather what the user may see (through `kaohe.web.permissions`) and hand
plain records to `kaohe.results`, which computes the tables, charts and files.
"""
