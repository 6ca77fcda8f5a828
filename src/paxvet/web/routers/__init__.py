"""One router per domain: pages (HTML) and api (JSON under /api/v1), both over the same read models and
services."""
