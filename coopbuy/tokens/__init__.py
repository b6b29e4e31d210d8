"""Personal access tokens for the API: their use cases, the settings page and their API."""
