"""The WeChat official-account message server (plaintext, compatibility and safe mode)."""
