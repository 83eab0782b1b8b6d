"""Claude adapter for the Extractor port (anthropic SDK, tool use with a JSON schema)."""
