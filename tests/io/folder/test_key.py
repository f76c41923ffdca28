"""The tender key: created once in the tender folder, private, read back, never shown."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from crmselect.errors import CrmselectError
from crmselect.io.folder.key import KEY_BYTES, TenderKey, key_path, tender_key


def test_the_first_use_creates_a_private_key_and_later_uses_read_it(tmp_path: Path) -> None:
    key = tender_key(tmp_path, create=True)
    path = key_path(tmp_path)
    assert path == tmp_path / ".crmselect" / "key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    text = path.read_text(encoding="ascii")
    assert text == key.hex() + "\n"
    assert len(key.secret) == KEY_BYTES
    assert tender_key(tmp_path) == key
    assert tender_key(tmp_path, create=True) == key  # never replaced
    assert [p.name for p in path.parent.iterdir()] == ["key"]  # no temporary left behind


def test_a_missing_key_is_an_error_saying_the_files_cannot_be_checked(tmp_path: Path) -> None:
    with pytest.raises(CrmselectError) as caught:
        tender_key(tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / '.crmselect' / 'key'}: the tender has no key")
    assert "returned files cannot be checked" in message
    assert not (tmp_path / ".crmselect").exists()


@pytest.mark.parametrize("text", ["", "abc\n", "zz" * KEY_BYTES, "00" * (KEY_BYTES + 1)])
def test_a_malformed_key_file_is_an_error_naming_the_file(tmp_path: Path, text: str) -> None:
    path = key_path(tmp_path)
    path.parent.mkdir()
    path.write_text(text, encoding="ascii")
    with pytest.raises(CrmselectError, match="not a crmselect tender key") as caught:
        tender_key(tmp_path, create=True)
    assert str(caught.value).startswith(f"{path}: ")
    assert path.read_text(encoding="ascii") == text  # never overwritten


def test_a_key_path_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    key_path(tmp_path).mkdir(parents=True)
    with pytest.raises(CrmselectError, match="must be a regular file"):
        tender_key(tmp_path, create=True)


def test_the_secret_never_shows_in_repr_or_str(tmp_path: Path) -> None:
    for key in (TenderKey.generate(), tender_key(tmp_path, create=True)):
        for shown in (repr(key), str(key), f"{key}", repr([key])):
            assert key.hex() not in shown
            assert repr(key.secret) not in shown
    assert str(key_path(tmp_path)) in repr(tender_key(tmp_path))


def test_generated_keys_differ_and_round_trip_through_hex() -> None:
    first, second = TenderKey.generate(), TenderKey.generate()
    assert first != second
    assert TenderKey.from_hex(first.hex()) == first
    assert TenderKey.from_hex(first.hex().upper() + "\n") == first
    with pytest.raises(CrmselectError, match="32 bytes"):
        TenderKey(b"short")
