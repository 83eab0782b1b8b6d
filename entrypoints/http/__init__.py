"""The HTTP entrypoint: Flask app factory, webhook intake, jobs API, health, OpenAPI."""
