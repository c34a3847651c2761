"""ISBNs: read one as a person writes it (ISBN-13 or ISBN-10, with hyphens or spaces) and give the
ISBN-13 digits, or say in words what is wrong with it, with the check digit it should end in
where the rest is well-formed. Validation and hyphenation are python-stdnum's (`stdnum.isbn`);
this module only words the errors. A leaf: it imports nothing of Pressroom's.
"""
from __future__ import annotations

import re

from stdnum import isbn as stdisbn
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength


def expected_check_digit(digits: str) -> str:
    """The check digit that the first 12 (ISBN-13) or 9 (ISBN-10) digits call for."""
    if len(digits) == 13:  # EAN-13: weights 1, 3, 1, 3, ...
        total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits[:12]))
        return str((10 - total % 10) % 10)
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))  # ISBN-10: mod 11, X for 10
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def normalise(text: str) -> str:
    """The ISBN-13 digits of `text`, or ValueError with a sentence saying what is wrong."""
    compact = re.sub(r"[\s\-\u2010-\u2015]", "", text.strip())
    if re.match(r"(?i)^(urn:)?isbn:?", compact):
        compact = re.sub(r"(?i)^(urn:)?isbn:?", "", compact)
    if len(compact) == 13 and compact.isdigit() and not compact.startswith(("978", "979")):
        raise ValueError(f"{text!r} is not an ISBN-13: it must begin with 978 or 979")
    try:
        digits = stdisbn.validate(compact)
    except InvalidLength:
        raise ValueError(f"{text!r} has {len(compact)} characters without hyphens and spaces; "
                         "an ISBN has 13 digits (or 10, the last of which may be X)") from None
    except InvalidFormat:
        bad = next((c for c in compact[:-1] if not c.isdigit()), compact[-1:])
        raise ValueError(f"{text!r} is not an ISBN: {bad!r} is not a digit (only an ISBN-10's last "
                         "character may be X)") from None
    except InvalidChecksum:
        want = expected_check_digit(compact.upper())
        raise ValueError(f"{text!r} has a wrong check digit: it ends in {compact[-1]!r}, the digits "
                         f"before it call for {want!r} (check for a mistyped digit)") from None
    except InvalidComponent:
        raise ValueError(f"{text!r} is not an ISBN-13: it must begin with 978 or 979") from None
    return stdisbn.to_isbn13(digits)


def hyphenated(digits: str) -> str:
    """The ISBN-13 with hyphens between its parts (prefix, group, registrant, publication, check)."""
    return stdisbn.format(digits)
