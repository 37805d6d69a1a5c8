"""HTTP plumbing shared by every domain's routes: blueprint, parsing, limits, OpenAPI, headers."""
