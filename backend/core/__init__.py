"""The lowest layer: database, errors, configuration, time, units of work, the outbox and jobs.

Nothing here knows a domain or Flask's request cycle beyond the session per request."""
