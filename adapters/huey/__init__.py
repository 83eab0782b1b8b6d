"""Huey adapters: the Huey instance, the task functions, and the TaskQueue port on top of them."""
