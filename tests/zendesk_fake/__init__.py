"""A local fake of the Zendesk API (real HTTP on loopback) and a PDF maker for tests."""
