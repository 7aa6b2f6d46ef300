"""The masking rules and the installation secret (core/privacy.py)."""

from __future__ import annotations

import hashlib
import hmac
import stat

import pytest

from core.contract import INTERFACES
from core.errors import JingfenError
from core.masking import line_layout
from core.privacy import (
    QUOTED_VALUE_CHARS,
    Masker,
    Personal,
    column_kind,
    installation_secret,
    published_name,
    secret_path,
)
from core.settings import Settings
from ingestion import parse

KEY = bytes(range(32))
MASKER = Masker(KEY)


def test_the_contract_tags_exactly_the_fields_the_rules_call_personal():
    tagged = {(i.code, f.name): f.personal for i in INTERFACES.values() for f in i.fields}
    assert {k: v for k, v in tagged.items() if v} == {
        (code, name): column_kind(name) for code, name in tagged if column_kind(name)
    }
    assert {k: v for k, v in tagged.items() if v} == {
        ("CUST", "cust_name"): Personal.NAME,
        ("CUST", "cert_no"): Personal.CERT,
        ("CUST", "birth_date"): Personal.BIRTH_DATE,
        ("ACCT", "acct_name"): Personal.NAME,
        ("USER", "msisdn"): Personal.PHONE,
        ("VOICE", "msisdn"): Personal.PHONE,
        ("VOICE", "other_number"): Personal.PHONE,
        ("SMS", "msisdn"): Personal.PHONE,
        ("SMS", "other_number"): Personal.PHONE,
        ("DATA", "msisdn"): Personal.PHONE,
    }


@pytest.mark.parametrize(
    ("kind", "value", "masked"),
    [
        (Personal.PHONE, "13812345678", "138****5678"),
        (Personal.PHONE, "057188001234", "057*****1234"),
        (Personal.PHONE, "1381234567", "138*******"),  # too short for its last 4 to show
        (Personal.PHONE, "10086", "100**"),
        (Personal.NAME, "张三", "张**"),
        (Personal.NAME, "欧阳娜娜", "欧**"),
        (Personal.BIRTH_DATE, "19900101", "1990"),
        (Personal.BIRTH_DATE, "1990-01-01", "1990"),
        (Personal.BIRTH_DATE, "x9900101", "***"),
        (Personal.CERT, "330102199001011234", "see hmac"),
    ],
)
def test_each_kind_is_masked_as_the_contract_says(kind, value, masked):
    if kind is Personal.CERT:
        masked = hmac.new(KEY, value.encode(), hashlib.sha256).hexdigest()
    assert MASKER.text(kind, value) == masked


def test_birth_dates_are_published_as_an_integer_year_under_their_own_name():
    assert published_name("birth_date") == "birth_year"
    assert published_name("payer_birth_date") == "payer_birth_year"
    assert MASKER.column("birth_date")("1990-01-01") == 1990
    assert published_name("msisdn") == "msisdn" and MASKER.column("city_code") is None


def test_a_raw_line_is_masked_by_position_when_its_field_count_is_the_interfaces():
    user = "U1|K1|13812345678|GOTONE|GT1|POST|20200101|NORMAL|20200101|CH1|0571|"
    assert MASKER.line(user, line_layout("USER_571_202601_001.AVL")) == (
        "U1|K1|138****5678|GOTONE|GT1|POST|20200101|NORMAL|20200101|CH1|0571|"
    )
    # a missing field shifts every later one: only empty fields and code values survive
    shifted = "U1|K1|GOTONE|13812345678|POST|20200101|NORMAL|20200101|CH1|0571|"
    assert MASKER.line(shifted, line_layout("USER_571_202601_001.AVL")) == (
        "***|***|GOTONE|***|POST|***|NORMAL|***|***|***|"
    )
    assert MASKER.line("张三|1", line_layout("NOTES_571_202601_001.AVL")) == "***|***"


def test_quoted_personal_values_are_masked_and_nothing_else():
    reason = (
        "unparsable value in msisdn (11 digits expected): '1381234567'; "
        "unparsable value in birth_date (date YYYYMMDD expected): '19900101x'; "
        "bad code in brand: 'XX'"
    )
    assert MASKER.message(reason) == (
        "unparsable value in msisdn (11 digits expected): '138*******'; "
        "unparsable value in birth_date (date YYYYMMDD expected): '1990'"
    )  # what follows a personal value within 40 characters goes with it: over, never under
    assert MASKER.message("bad code in brand: 'XX'; " + reason[:61]) == (
        "bad code in brand: 'XX'; unparsable value in msisdn (11 digits expected): '138*******'"
    )
    # a value holding "';" cannot end its masking early: up to 40 characters may go with it
    tricky = "unparsable value in msisdn (11 digits expected): '139'; bad code in x: '12345678'"
    assert MASKER.message(tricky) == (
        "unparsable value in msisdn (11 digits expected): '139" + "*" * 23 + "5678'"
    )
    assert MASKER.message("bad code in rat: 'XX'") == "bad code in rat: 'XX'"
    cert = MASKER.text(Personal.CERT, "3301")
    assert MASKER.message("[\"in cert_no: '3301'\"]") == f"[\"in cert_no: '{cert}'\"]"


def test_mobile_and_id_numbers_are_masked_wherever_a_message_shows_them():
    message = (
        "line 5: Original Line: U1|K1|13812345678|x|330102199001011234; "
        "duplicate primary key cdr_id=202601070000000613 and user 5711000000012"
    )
    assert MASKER.message(message) == (
        "line 5: Original Line: U1|K1|138****5678|x|"
        f"{MASKER.text(Personal.CERT, '330102199001011234')}; "
        "duplicate primary key cdr_id=202601070000000613 and user 5711000000012"
    )


def test_reasons_quote_no_more_of_a_value_than_the_masking_covers():
    assert parse._SHOWN_VALUE_CHARS == QUOTED_VALUE_CHARS


def test_the_secret_is_created_once_readable_by_its_owner_only(tmp_path):
    settings = Settings(home=tmp_path / "home")
    key = installation_secret(settings)
    path = secret_path(settings)
    assert len(key) == 32 and installation_secret(settings) == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(settings.secrets.stat().st_mode) == 0o700
    assert sorted(p.name for p in settings.secrets.iterdir()) == ["cert_no.key"]
    assert installation_secret(Settings(home=tmp_path / "other")) != key


def test_a_secret_others_can_read_or_nobody_can_is_refused_in_one_sentence(tmp_path):
    settings = Settings(home=tmp_path / "home")
    installation_secret(settings)
    path = secret_path(settings)
    path.chmod(0o644)
    with pytest.raises(JingfenError, match=r"is readable by others: run 'chmod 600"):
        installation_secret(settings)
    path.unlink()
    path.mkdir()  # unreadable as a file, even for root
    with pytest.raises(JingfenError, match=r"Could not read the installation secret"):
        installation_secret(settings)
