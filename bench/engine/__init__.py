"""WeasyPrint's own test suite run against Pressroom's patches (`make test-engine`): `plugin.py`
installs them in pytest, `compare.py` lists the tests that pass plain and fail patched."""
