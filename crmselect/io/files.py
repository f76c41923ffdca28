"""Reading a file from outside without trusting what it is: regular files only, bounded.

Every file crmselect reads from a user's folder or from a returned workbook goes through
:func:`read_regular_file`: a FIFO would make a read wait for a writer forever, a device
(``/dev/zero``, or a symlink to it named ``x.xlsx``) reports size 0 and never ends, and a
folder cannot be read at all — each is refused at once with a message naming the file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from crmselect.errors import InputFileError, Problem

MiB = 1 << 20


def read_regular_file(path: Path, limit: int, *, kind: str = "CSV table") -> bytes:
    """The bytes of the regular file at ``path``, refused when it holds more than ``limit``.

    The file is opened without waiting (``O_NONBLOCK``: a FIFO opened for reading would
    otherwise wait for a writer forever) and examined through the open handle (``fstat``,
    so it cannot be swapped between the check and the read): anything but a regular file —
    a FIFO, a device, a folder — is refused, and so is a file whose size passes ``limit``,
    before any byte is read. At most ``limit + 1`` bytes are read, so a file that grows
    meanwhile is refused too. ``kind`` names what the file should be in the messages ("CSV
    table", "workbook"). Raises :class:`~crmselect.errors.InputFileError`.
    """
    nonblocking = getattr(os, "O_NONBLOCK", 0)
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | nonblocking)
    except FileNotFoundError:
        raise InputFileError(f"{path} not found", [Problem(str(path), "file not found")]) from None
    except OSError as exc:
        raise _unreadable(path, kind, f"cannot be opened ({exc.strerror or exc})") from None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise _unreadable(
                path, kind, f"not a regular file (a pipe, a device or a folder); give a {kind}"
            )
        if info.st_size > limit:
            raise _too_large(path, kind, info.st_size, limit)
        if nonblocking:
            os.set_blocking(handle, True)
        stream = os.fdopen(handle, "rb")  # closes the handle from here on
    except BaseException:
        os.close(handle)
        raise
    with stream:
        try:
            data = stream.read(limit + 1)
        except OSError as exc:
            raise _unreadable(path, kind, f"cannot be read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise _too_large(path, kind, None, limit)
    return data


def _unreadable(path: Path, kind: str, what: str) -> InputFileError:
    return InputFileError(f"{path} is not a readable {kind}", [Problem(str(path), what)])


def _too_large(path: Path, kind: str, size: int | None, limit: int) -> InputFileError:
    """``size`` is the file's size, or ``None`` when more than ``limit`` bytes were read."""
    shown = f"{size / MiB:,.1f} MiB" if size is not None else "it grew while being read"
    return InputFileError(
        f"{path} is too large",
        [
            Problem(
                str(path),
                f"{shown}; a {kind} is read up to {limit / MiB:g} MiB — check that this is "
                "the right file, or split it",
            )
        ],
    )
