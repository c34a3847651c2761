"""The tests of two junit XML reports by id, and the ones that passed in the first and did not in
the second: `python -m bench.engine.compare plain.xml patched.xml` (exit 1 when there are any)."""
from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from collections import Counter


def outcomes(path: str) -> dict[str, tuple[str, str]]:
    """test id -> (outcome, first line of the failure message) for every test case of a report."""
    out = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        test_id = f"{case.get('classname', '')}::{case.get('name', '')}"
        outcome, message = "passed", ""
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = {"failure": "failed"}.get(child.tag, child.tag)
                message = (child.get("message") or (child.text or "")).strip().splitlines()[:1]
                message = message[0][:300] if message else ""
                break
        out[test_id] = (outcome, message)
    return out


def broken(plain: dict, patched: dict) -> list[tuple[str, str, str]]:
    """(test id, outcome patched, message) of each test that passed plain and not patched (a test
    missing from the patched report counts as broken: it did not run)."""
    return [(t, *patched.get(t, ("missing", ""))) for t, (o, _) in sorted(plain.items())
            if o == "passed" and patched.get(t, ("missing",))[0] != "passed"]


def main(argv: list[str]) -> int:
    plain, patched = outcomes(argv[0]), outcomes(argv[1])
    for name, report in (("plain", plain), ("patched", patched)):
        counts = Counter(o for o, _ in report.values())
        print(f"{name:>8}: {len(report)} tests, " + ", ".join(f"{n} {o}" for o, n in sorted(counts.items())))
    found = broken(plain, patched)
    print(f"{len(found)} tests pass plain and fail patched" + (":" if found else ""))
    for test_id, outcome, message in found:
        print(f"  {outcome:7} {test_id}\n          {message}")
    fixed = [t for t, (o, _) in sorted(patched.items()) if o == "passed" and plain.get(t, ("",))[0] != "passed"]
    if fixed:
        print(f"{len(fixed)} tests fail plain and pass patched: " + ", ".join(fixed))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
