"""Timings (never run by the tests): `python -m bench` runs them all, `python -m bench.<name>` one."""
