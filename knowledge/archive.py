"""Zip files opened for an import, within limits, with their CSV members read as a stream."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

# Set from the app's settings (IMPORT_MAX_MEMBERS, IMPORT_MAX_UNCOMPRESSED) by configure().
LIMITS = {"members": 200, "bytes": 200 * 1024 * 1024}


class ArchiveRefused(ValueError):
    """The file is not a zip the importer will read; the message is one plain sentence."""


def configure(members: int, total_bytes: int) -> None:
    """Set how many members, and how many uncompressed bytes in all, an import zip may hold."""
    LIMITS.update(members=members, bytes=total_bytes)


def open_zip(path: Path) -> zipfile.ZipFile:
    """The zip at path, refused before anything is decompressed when it is over the limits.

    zipfile never returns more than a member's declared size, so checking the declared
    sizes bounds what reading can produce (a zip bomb cannot lie its way past it).
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveRefused(f"{path.name} is not a zip file that can be read.") from exc
    members = [i for i in archive.infolist() if not i.is_dir()]
    total = sum(i.file_size for i in members)
    if len(members) > LIMITS["members"]:
        archive.close()
        raise ArchiveRefused(
            f"{path.name} holds {len(members):,} files; an import zip may hold at most "
            f"{LIMITS['members']:,} (IMPORT_MAX_MEMBERS)."
        )
    if total > LIMITS["bytes"]:
        archive.close()
        raise ArchiveRefused(
            f"{path.name} unpacks to {total / 1e6:,.0f} MB; an import may unpack to at most "
            f"{LIMITS['bytes'] / 1e6:,.0f} MB (IMPORT_MAX_UNCOMPRESSED)."
        )
    return archive


def csv_rows(stream: io.IOBase, name: str) -> Iterator[dict]:
    """The rows of a CSV stream (bytes, UTF-8 with or without BOM), read as they come."""
    try:
        with io.TextIOWrapper(stream, encoding="utf-8-sig", newline="") as text:
            yield from csv.DictReader(text)
    except csv.Error as exc:
        raise ArchiveRefused(f"{name} is not a CSV file that can be read: {exc}.") from exc
    except UnicodeDecodeError as exc:
        raise ArchiveRefused(f"{name} is not UTF-8 text.") from exc
