"""Storage: SQLAlchemy 2 tables, one repository per aggregate, the unit of work, Alembic.

Repositories map rows to domain models; no ORM object leaves this package. Only
``kechuang.services`` imports it.
"""
