"""Security primitives from kept libraries (password hashing)."""
