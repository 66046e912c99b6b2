"""What every app shares, under all of them: the jobs ledger, validation, safe HTTP, the editorial roles,
the admin kit, the API's base classes and errors, health, metrics and the embedded PostgreSQL.

It imports no app (make lint checks it): an app that must hear from another announces it with a signal.
"""
