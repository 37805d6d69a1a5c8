"""What an operator watches: Prometheus metrics at `/metrics` and Sentry (docs/observability.md).

JSON logs are a format of the request-id logging in `backend/web/request_ids.py`.
"""
