"""Serials as the registry writes them: a lot's serial range, split to the units taken."""

from __future__ import annotations

import pytest

from backend.credits import serials

VCU = "10845-245676789-245709788-VCS-VCU-997-VER-CN-1-1722-01012019-31122019-0"
CER = "CN-5-512000001-512120000-1-1-0-4521"
CCER = "CN-CCER-0457-2014-0000100001-0000150000"
CDCER = "CDCER-2021-ZL003-00000001-00020000"


@pytest.mark.parametrize(
    ("written", "first", "last", "unit", "expected"),
    [
        (
            VCU,
            245_676_789,
            245_709_788,
            245_676_800,
            "10845-245676800-245676800-VCS-VCU-997-VER-CN-1-1722-01012019-31122019-0",
        ),
        (CER, 512_000_001, 512_120_000, 512_000_117, "CN-5-512000117-512000117-1-1-0-4521"),
        (CCER, 100_001, 150_000, 100_117, "CN-CCER-0457-2014-0000100117-0000100117"),
        (CDCER, 1, 20_000, 7, "CDCER-2021-ZL003-00000007-00000007"),  # padding kept
    ],
)
def test_a_unit_is_written_as_its_registry_writes_a_block_of_one(
    written, first, last, unit, expected
):
    assert serials.names_its_units(written, first, last)
    assert serials.unit(written, first, last, unit) == expected


def test_a_block_keeps_the_rest_of_the_serial():
    assert (
        serials.block(CER, 512_000_001, 512_120_000, 512_000_117, 512_000_132)
        == "CN-5-512000117-512000132-1-1-0-4521"
    )
    # the unit type (5) and the project id (4521) are numbers too, but not the block's pair
    assert serials.block("CN-5-5-9-1-1-0-5", 5, 9, 6, 7) == "CN-5-6-7-1-1-0-5"


def test_a_lot_of_one_unit_is_its_own_serial():
    assert serials.names_its_units("CN-5-42-42-1-1-0-7", 42, 42)
    assert serials.names_its_units("CDCER-2022-LD001-00000042", 42, 42)
    assert serials.unit("CDCER-2022-LD001-00000042", 42, 42, 42) == "CDCER-2022-LD001-00000042"


@pytest.mark.parametrize(
    ("written", "first", "last"),
    [
        ("X-1-10", 9_000_000_000, 9_000_000_009),  # other numbers
        ("CCER-2016-0000000010", 10, 20),  # the first unit only
        ("CCER-20-10", 10, 20),  # the wrong way round
        ("CCER 10 20", 10, 20),  # not written as a block
        ("", 10, 20),
    ],
)
def test_a_range_that_does_not_name_its_units_is_told_apart(written, first, last):
    assert not serials.names_its_units(written, first, last)


def test_an_old_free_text_range_still_shows_the_unit_numbers():
    assert serials.unit("legacy lot", 1, 5, 3) == "legacy lot (3)"
    assert serials.block("legacy lot", 1, 5, 2, 4) == "legacy lot (2–4)"
