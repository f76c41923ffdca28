"""The tender's secret key: what every handed-out form is signed with, and where it lives.

Every workbook crmselect hands out (RFP workbook, demo scoring sheet, weights workshop)
carries an HMAC-SHA-256 tag over its hidden sheet (:mod:`crmselect.io.forms.meta`), made
with the tender's key; a returned file whose tag does not verify with that key is refused.
The key is 32 random bytes (:mod:`secrets`), kept in the tender folder as
``.crmselect/key`` (64 hex digits and a line feed; the file ``0600``, its folder ``0700``),
created by the first command that hands something out (``crmselect template``,
``scoring-sheets``, ``workshop``; :func:`tender_key` with ``create=True``). It is never
written into a workbook, a CSV or a report, and ``crmselect demo --out`` gives its copy of
the example a key of its own.

Without a folder (in a notebook or a script), make one with :meth:`TenderKey.generate` and
keep it with :meth:`TenderKey.hex` / :meth:`TenderKey.from_hex` — anyone who has it can
sign a form as this tender.

>>> key = TenderKey.generate()
>>> key == TenderKey.from_hex(key.hex())
True
>>> key.hex() in repr(key)
False
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

import attrs

from crmselect.errors import CrmselectError

KEY_FOLDER = ".crmselect"
"""The folder, in a tender folder, that holds what crmselect keeps for itself."""
KEY_FILE = "key"
KEY_BYTES = 32


@attrs.frozen(repr=False)
class TenderKey:
    """A tender's secret key (:data:`KEY_BYTES` bytes). Its ``repr`` and ``str`` show only
    where it came from, never the secret."""

    secret: bytes = attrs.field()
    origin: str = attrs.field(default="", eq=False)
    """Where the key was read from (its file), or ``""`` for one made in code (not part of
    the key: two keys with the same secret are equal)."""

    @secret.validator
    def _check(self, attribute: attrs.Attribute[bytes], value: bytes) -> None:
        if not isinstance(value, bytes) or len(value) != KEY_BYTES:
            raise CrmselectError(f"a tender key is {KEY_BYTES} bytes")

    @classmethod
    def generate(cls) -> TenderKey:
        """A new random key (:func:`secrets.token_bytes`), for a tender without a folder."""
        return cls(secrets.token_bytes(KEY_BYTES))

    @classmethod
    def from_hex(cls, text: str, origin: str = "") -> TenderKey:
        """The key written as :meth:`hex` gives it; :class:`CrmselectError` when ``text``
        is not :data:`KEY_BYTES` bytes in hex."""
        digits = text.strip()
        try:
            secret = bytes.fromhex(digits)
        except ValueError:
            secret = b""
        if len(digits) != 2 * KEY_BYTES or len(secret) != KEY_BYTES:
            where = f"{origin}: " if origin else ""
            raise CrmselectError(
                f"{where}not a crmselect tender key (expected {2 * KEY_BYTES} hex digits); "
                "restore the file, or delete it and send every recipient a new form"
            )
        return cls(secret, origin)

    def hex(self) -> str:
        """The secret as hex digits (what the key file holds)."""
        return self.secret.hex()

    def __repr__(self) -> str:
        return f"<TenderKey {self.origin or 'made in code'}>"

    __str__ = __repr__


def key_path(folder: str | Path) -> Path:
    """Where the tender folder ``folder`` keeps its key."""
    return Path(folder) / KEY_FOLDER / KEY_FILE


def tender_key(folder: str | Path, *, create: bool = False) -> TenderKey:
    """The key of the tender folder ``folder`` (see the module docstring).

    With ``create``, a folder without a key gets a new one (written atomically, file
    ``0600`` in a ``0700`` folder); without, a missing key is a :class:`CrmselectError`
    saying that the returned files cannot be checked. A malformed key file is an error
    naming the file.
    """
    path = key_path(folder)
    if path.is_file():
        return TenderKey.from_hex(_read(path), str(path))
    if path.exists() or path.is_symlink():
        raise CrmselectError(f"{path}: the tender key must be a regular file")
    if not create:
        raise CrmselectError(
            f"{path}: the tender has no key, so the returned files cannot be checked — they "
            "are signed with the key crmselect created in the tender folder when the forms "
            "were written; restore that file, or send every recipient a new form"
        )
    return _create(path)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise CrmselectError(f"{path}: the tender key cannot be read ({exc})") from None


def _create(path: Path) -> TenderKey:
    """A new key at ``path`` (the folder ``0700``, the file ``0600``), written to a temporary
    file and linked into place, so that a key is never half-written nor replaced: when two
    commands create one at once, the one linked first is the tender's, read by both."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    key = TenderKey(secrets.token_bytes(KEY_BYTES), str(path))
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".key-")  # mode 0600
    try:
        with os.fdopen(handle, "w", encoding="ascii") as out:
            out.write(key.hex() + "\n")
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return TenderKey.from_hex(_read(path), str(path))
    finally:
        os.unlink(temporary)
    return key
