"""Domain events and the outbox they are written to (see `bus`)."""
