"""The PasswordHasher port on werkzeug.security (scrypt by default; salted, versioned strings)."""

from __future__ import annotations

from werkzeug.security import check_password_hash, generate_password_hash

from application.user_ports import PasswordHasher


class WerkzeugPasswordHasher(PasswordHasher):
    def __init__(self, method: str = "scrypt") -> None:
        self._method = method

    def hash(self, password: str) -> str:
        return generate_password_hash(password, method=self._method)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return check_password_hash(password_hash, password)
        except ValueError:  # a malformed stored hash refuses, it does not crash the login
            return False
