"""SQLAlchemy adapters of the repositories in issuance/repositories.py."""
