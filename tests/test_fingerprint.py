"""What a seeded province publishes is what main published: every table of the published copy,
every file of the dashboard bundle and every cell of the report workbooks (tests/fingerprint.py).

A change that is meant regenerates tests/fixtures/published_fingerprint.json with
`make fingerprint`; the fixture's diff in the commit shows what changed.
"""

import pytest

from tests.fingerprint import FIXTURE, build_fingerprint, differences, read

pytestmark = pytest.mark.slow


def test_a_seeded_province_publishes_what_the_fixture_records():
    found = differences(read(FIXTURE), build_fingerprint())
    assert found == [], "\n".join(["differs from the fixture (make fingerprint):", *found])
