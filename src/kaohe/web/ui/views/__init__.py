"""Page views, one module per area. Each view parses input, calls the services of
kaohe.web.appraisal / org / audit, and renders; rules live in the services."""
