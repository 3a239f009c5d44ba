"""Writing a file in one step without destroying what is not a regular file.

A temporary file renamed over the target is right for a page, a manifest or a backup (readers see
the old file or the new one), and wrong for everything else: renamed over ``/dev/null`` it turns
the device into a plain file (as root, every service on the machine then fails to write to it);
over a named pipe it cuts off the reader; over a symlink it replaces the link and leaves the file
the link names untouched. Every test works in a temporary folder, never on the real ``/dev/null``.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from pelican.plugins.engagement.files import UnsuitableTarget, write_chunks, write_file

from tests.support.fifo import FifoReader


def _fifo(folder: Path, name: str = "pipe") -> Path:
    path = folder / name
    os.mkfifo(path)
    return path


def test_a_new_file_is_created_with_its_folder_and_the_given_mode(tmp_path: Path) -> None:
    target = tmp_path / "new" / "folder" / "page.html"
    assert write_file(target, "<p>hello</p>", mode=0o640)
    assert target.read_text("utf-8") == "<p>hello</p>"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_regular_file_is_replaced_and_no_temporary_file_is_left(tmp_path: Path) -> None:
    target = tmp_path / "feed.xml"
    target.write_text("old", "utf-8")
    write_file(target, b"new")
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feed.xml"]


def test_an_unchanged_file_is_left_alone_when_asked(tmp_path: Path) -> None:
    target = tmp_path / "page.html"
    target.write_text("same", "utf-8")
    before = target.stat().st_ino
    assert write_file(target, "same", only_if_changed=True) is False
    assert target.stat().st_ino == before


def test_a_named_pipe_is_written_into_and_stays_a_pipe(tmp_path: Path) -> None:
    pipe = _fifo(tmp_path)
    reader = FifoReader(pipe)
    reader.start()
    write_file(pipe, "through the pipe\n")
    assert reader.result() == b"through the pipe\n"
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_a_character_device_is_written_into_and_stays_a_device(tmp_path: Path) -> None:
    # A private node of the null device (major 1, minor 3) in the temporary folder: the real
    # /dev/null is never touched, and the node being replaced would show as a regular file.
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        os.close(os.open(device, os.O_WRONLY))
    except (PermissionError, OSError) as error:
        pytest.skip(f"cannot make a device node here: {error}")
    write_file(device, "discarded\n")
    assert stat.S_ISCHR(device.stat().st_mode)
    assert os.major(device.stat().st_rdev) == 1 and os.minor(device.stat().st_rdev) == 3


def test_a_symlink_to_a_file_keeps_the_link_and_the_file_gets_the_text(tmp_path: Path) -> None:
    real = tmp_path / "data" / "export.json"
    real.parent.mkdir()
    real.write_text("old", "utf-8")
    link = tmp_path / "export.json"
    link.symlink_to(real)
    write_file(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text("utf-8") == "new"
    assert sorted(p.name for p in real.parent.iterdir()) == ["export.json"]


def test_a_symlink_to_a_pipe_writes_into_the_pipe(tmp_path: Path) -> None:
    pipe = _fifo(tmp_path)
    link = tmp_path / "link"
    link.symlink_to(pipe)
    reader = FifoReader(pipe)
    reader.start()
    write_file(link, "via the link")
    assert reader.result() == b"via the link"
    assert link.is_symlink() and stat.S_ISFIFO(pipe.stat().st_mode)


def test_a_dangling_symlink_creates_the_file_it_names(tmp_path: Path) -> None:
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "later.json")
    write_file(link, "{}")
    assert link.is_symlink() and (tmp_path / "later.json").read_text("utf-8") == "{}"


@pytest.mark.parametrize("through_link", [False, True], ids=["folder", "symlink to a folder"])
def test_a_folder_is_refused_with_a_sentence(tmp_path: Path, through_link: bool) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    target = folder
    if through_link:
        target = tmp_path / "link"
        target.symlink_to(folder)
    with pytest.raises(UnsuitableTarget, match="is a folder"):
        write_file(target, "x")
    assert list(folder.iterdir()) == []


def test_a_socket_is_refused(tmp_path: Path) -> None:
    import socket

    path = tmp_path / "s"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        with pytest.raises(UnsuitableTarget, match="not a regular file"):
            write_file(path, "x")
        assert stat.S_ISSOCK(path.stat().st_mode)


def test_dash_means_standard_output(capfdbinary: pytest.CaptureFixture[bytes]) -> None:
    write_file("-", "to stdout\n")
    assert capfdbinary.readouterr().out == b"to stdout\n"


def test_a_pipe_named_through_proc_fd_is_written_into() -> None:
    # What `--output /dev/stdout` or a shell's `>(…)` hands over: a magic link to an anonymous pipe,
    # whose resolved name ("pipe:[1234]") is no path at all.
    read_end, write_end = os.pipe()
    try:
        write_file(f"/proc/self/fd/{write_end}", "into the pipe")
        os.close(write_end)
        write_end = -1
        assert os.read(read_end, 100) == b"into the pipe"
    finally:
        os.close(read_end)
        if write_end >= 0:
            os.close(write_end)


def _chunks_then_failure() -> Iterator[bytes]:
    yield b'{"entries":[\n'
    yield b'{"id":1}'
    raise ConnectionError("the database went away midway")


def test_chunks_go_into_the_file_and_it_appears_only_complete(tmp_path: Path) -> None:
    target = tmp_path / "backup.json"
    write_chunks(target, iter([b"one ", b"two ", b"three"]), mode=0o600, durable=True)
    assert target.read_bytes() == b"one two three"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_failure_between_chunks_leaves_the_old_file_and_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "backup.json"
    target.write_text("the last good backup", "utf-8")
    with pytest.raises(ConnectionError):
        write_chunks(target, _chunks_then_failure(), durable=True)
    assert target.read_text("utf-8") == "the last good backup"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup.json"]


def test_a_pipe_gets_no_half_of_the_chunks_when_they_fail(tmp_path: Path) -> None:
    pipe = _fifo(tmp_path)
    with pytest.raises(ConnectionError):  # raised before the pipe is opened: no reader needed
        write_chunks(pipe, _chunks_then_failure())
    reader = FifoReader(pipe)
    reader.start()
    write_chunks(pipe, iter([b"whole ", b"document"]))
    assert reader.result() == b"whole document"
