"""SQLAlchemy 2 adapters: tables, imperative mapping, unit of work, repositories, read queries."""
