"""Companies: the WeChat official-account callback, the partner API and outbound webhooks."""
