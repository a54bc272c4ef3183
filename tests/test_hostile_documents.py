"""Every received document is read inside fixed bounds (issue 21): the hostile corpus through the real CLI.

Each file of tests/hostile_documents.py goes through `lichthidua import FILE` in its
own process, as an admin would run it; the test reads the process tree's peak
memory (ru_maxrss from wait4, which covers the reading child and the converters it
waited for) and its CPU time, and checks them against the limits the product
enforces. No wall time is asserted: a generous timeout only keeps a regression
from hanging CI.
"""

from __future__ import annotations

import http.server
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from scheduler.document_limits import DEFAULT_DOCUMENT_LIMITS as LIMITS
from tests.conftest import CALENDARS
from tests.hostile_documents import CORPUS, Hostile, huge_png
from tests.plan_files import soffice_missing

HANG_GUARD = LIMITS.seconds * 3 + 60  # only against a hang; the product's own time bound is what is tested


@dataclass(frozen=True)
class Run:
    exit_code: int
    stdout: str
    stderr: str
    peak_bytes: int  # largest resident set of any process of the tree
    cpu_seconds: float  # user + system of the whole tree


# The CLI is started by this small process, which then reports its children's usage: wait4 on a child of the
# test itself would count the test process's own peak (exec keeps the old address space's high-water mark).
_MEASURE = (
    "import resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[2:], stdin=subprocess.DEVNULL)\n"
    "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "open(sys.argv[1], 'w').write(f'{code} {usage.ru_maxrss} {usage.ru_utime + usage.ru_stime}')\n"
)


def run_cli(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> Run:
    """`lichthidua ARGS` in a new process; the peak memory and CPU of its process tree."""
    out, err, usage = cwd / ".stdout", cwd / ".stderr", cwd / ".usage"
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("LICHTHIDUA_")}
    full_env.update(env or {})
    with out.open("wb") as o, err.open("wb") as e:
        subprocess.run([sys.executable, "-c", _MEASURE, str(usage), sys.executable, "-m", "scheduler.cli",
                        *map(str, args)], stdout=o, stderr=e, stdin=subprocess.DEVNULL, cwd=cwd, env=full_env,
                       timeout=HANG_GUARD, check=False)
    code, maxrss, cpu = usage.read_text(encoding="utf-8").split()
    run = Run(int(code), out.read_text(encoding="utf-8", errors="replace"),
              err.read_text(encoding="utf-8", errors="replace"), int(maxrss) * 1024, float(cpu))
    assert "Traceback" not in run.stderr, run.stderr
    return run


def _within_bounds(run: Run) -> None:
    assert run.peak_bytes <= LIMITS.memory_bytes, f"peak {run.peak_bytes / 2**20:.0f} MB"
    # Each process of the tree stops at the time limit; the CLI itself and the child are two.
    assert run.cpu_seconds <= 2 * LIMITS.seconds, f"CPU {run.cpu_seconds:.1f} s"


def _case_id(case: Hostile) -> str:
    return case.name.encode("ascii", "replace").decode()[:40]


@pytest.mark.parametrize("case", [pytest.param(c, marks=[pytest.mark.slow] if c.slow else [], id=_case_id(c))
                                  for c in CORPUS])
def test_a_hostile_document_gets_a_message_not_a_traceback(case: Hostile, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    path = work / case.name
    case.build(path)
    run = run_cli("import", path, "--calendars", CALENDARS, cwd=work, env=case.env)
    assert run.exit_code == case.exit_code, run.stderr
    if case.exit_code:
        message = " ".join(run.stderr.split())
        assert str(path) in run.stderr, run.stderr
        for words in case.says:
            assert words in message, f"{words!r} not in {message!r}"
    else:
        assert any(words in run.stderr for words in case.says), run.stderr
    _within_bounds(run)
    assert sorted(p.name for p in work.iterdir() if not p.name.startswith(".")) == [case.name]  # nothing ran


def test_the_corpus_is_large_and_small_on_disk() -> None:
    assert len(CORPUS) >= 30
    assert len({c.name for c in CORPUS}) == len(CORPUS)
    assert Path(__file__).with_name("hostile_documents.py").stat().st_size < 64 * 1024


def test_long_hostile_lines_finish_within_the_time_bound(tmp_path: Path) -> None:
    """Lines that made the plan reader's patterns backtrack (1,600 digits took lint-plan 26 s) finish inside a
    10-second reading bound: past it the product itself would stop with the time limit's message (exit 65)."""
    plan = tmp_path / "dong-dai.txt"
    lines = ["Kế hoạch thi đua năm 2026", "1" * 200_000, "-A" * 100_000, "1-A" * 50_000, "a1" * 100_000,
             "nộp 1 về 1 " * 20_000 + "qua email a@b.vn", "(" * 100_000, "số " * 50_000 + "1/KH",
             "1/" * 100_000, "1." * 100_000, "ngày 1 tháng " * 20_000, "Lễ 1 " * 40_000,
             "\u2003" * 100_000 + "x", "Đ" * 200_000]
    plan.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = run_cli("lint-plan", plan, "--calendars", CALENDARS, cwd=tmp_path, env={"LICHTHIDUA_PLAN_MAX_SECONDS": "10"})
    assert run.exit_code in (0, 65), run.stderr
    assert "thời gian đọc" not in run.stderr and "plan_max_seconds" not in run.stderr, run.stderr
    assert "dong-dai.txt" in run.stderr


def test_the_time_limit_stops_the_reading_and_its_converters(tmp_path: Path) -> None:
    """A converter that never ends (a hung LibreOffice with a child of its own) is killed with its whole group
    at plan_max_seconds, and the reading says which limit stopped it."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    pids = tmp_path / "pids"
    fake = bin_dir / "soffice"
    fake.write_text(f"#!/bin/sh\necho $$ >> {pids}\nsleep 300 &\necho $! >> {pids}\nwait\n", encoding="utf-8")
    fake.chmod(0o755)
    doc = tmp_path / "treo.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    env = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "LICHTHIDUA_PLAN_MAX_SECONDS": "2"}
    run = run_cli("import", doc, "--calendars", CALENDARS, cwd=tmp_path, env=env)
    assert run.exit_code == 65, run.stderr
    assert "thời gian đọc vượt giới hạn 2 giây" in run.stderr and "plan_max_seconds" in run.stderr
    started = [int(pid) for pid in pids.read_text(encoding="utf-8").split()]
    assert len(started) == 2  # the launcher and its worker
    alive = [pid for pid in started if _running(pid)]
    for pid in alive:  # none expected; never leave one behind if the test fails
        os.kill(pid, signal.SIGKILL)
    assert not alive


def _running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status  # a zombie has ended; its parent has not yet collected it


@pytest.mark.slow
def test_the_memory_limit_stops_a_reading_that_needs_more(tmp_path: Path) -> None:
    """A .docx within every size limit whose XML tree needs more than plan_max_memory_bytes: the child's
    allocation fails, the parent says which limit, and nothing in the tree went past it."""
    from tests.hostile_documents import body, deflated, write_docx

    path = tmp_path / "cay-xml-lon.docx"
    head, _, tail = body([b"|"])
    # 2.4 million runs in one paragraph: 55 MB of XML, far under plan_max_inflated_bytes
    write_docx(path, deflated([(head + b"<w:p>", 1), (b"<w:r><w:t>a</w:t></w:r>" * 40_000, 60), (b"</w:p>" + tail, 1)]))
    limit = 160 * 1024 * 1024
    run = run_cli("import", path, "--calendars", CALENDARS, cwd=tmp_path,
                  env={"LICHTHIDUA_PLAN_MAX_MEMORY_BYTES": str(limit), "LICHTHIDUA_PLAN_MAX_ZIP_RATIO": "100000"})
    assert run.exit_code == 65, run.stderr
    assert "bộ nhớ khi đọc vượt giới hạn 160 MB" in run.stderr and "plan_max_memory_bytes" in run.stderr
    assert run.peak_bytes <= limit


def test_a_special_file_is_unreadable_66(tmp_path: Path) -> None:
    fifo = tmp_path / "ong-dan.txt"
    os.mkfifo(fifo)
    run = run_cli("import", fifo, "--calendars", CALENDARS, cwd=tmp_path)
    assert run.exit_code == 66 and "không phải tệp thường" in run.stderr
    folder = tmp_path / "thu-muc.docx"
    folder.mkdir()
    run = run_cli("import", folder, "--calendars", CALENDARS, cwd=tmp_path)
    assert run.exit_code == 66 and "thư mục" in run.stderr


def test_an_owner_password_only_pdf_is_read(tmp_path: Path) -> None:
    """Many official PDFs carry only an owner password (no printing, no copying): they open and are read."""
    from pypdf import PdfReader, PdfWriter

    from tests.plan_files import seed_text, to_text_pdf

    plain = to_text_pdf(seed_text("kon-tum-2024"), tmp_path / "plain.pdf")
    writer = PdfWriter(clone_from=PdfReader(str(plain)))
    writer.encrypt(user_password="", owner_password="chu-so-huu", algorithm="RC4-128")
    locked = tmp_path / "kon-tum-2024.pdf"
    with locked.open("wb") as f:
        writer.write(f)
    run = run_cli("import", locked, "--calendars", CALENDARS, cwd=tmp_path)
    assert run.exit_code == 0, run.stderr
    assert "PDF có lớp chữ" in run.stderr


# --- LibreOffice and the network ---------------------------------------------------------------------------


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: list[str]

    def do_GET(self) -> None:  # noqa: N802 - the handler's name
        self.seen.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def web_server() -> Iterator[tuple[int, list[str]]]:
    seen: list[str] = []
    handler = type("Recorder", (_Recorder,), {"seen": seen})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], seen
    server.shutdown()
    server.server_close()


def _linked_doc(tmp_path: Path, port: int) -> Path:
    """A real Word 97 .doc whose picture is a link to the local server (LibreOffice saves <img src> as a link)."""
    html = tmp_path / "mau.html"
    html.write_text(f'<html><body><p>Kế hoạch thi đua năm 2026</p><img src="http://127.0.0.1:{port}/anh.png">'
                    f'<p>Đợt 1: từ 01/01/2026 đến 30/6/2026</p></body></html>', encoding="utf-8")
    out = tmp_path / "made"
    subprocess.run([shutil.which("soffice") or "soffice", f"-env:UserInstallation={(tmp_path / 'p0').as_uri()}",
                    "--headless", "--norestore", "--convert-to", "doc:MS Word 97", "--outdir", str(out), str(html)],
                   check=True, capture_output=True, timeout=180)
    doc = out / "mau.doc"
    assert f"127.0.0.1:{port}/anh.png".encode("utf-16-le") in doc.read_bytes() or \
        f"127.0.0.1:{port}/anh.png".encode() in doc.read_bytes()
    return doc


@pytest.mark.slow
@pytest.mark.skipif(soffice_missing() is not None, reason=soffice_missing() or "")
def test_libreoffice_fetches_nothing_while_converting(tmp_path: Path, web_server: tuple[int, list[str]],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A .doc with a linked picture makes a plain LibreOffice fetch its URL; `import` fetches nothing, with the
    network namespace and, where the kernel has none, with the profile's proxy settings alone."""
    from scheduler.plans import reading, tools

    port, seen = web_server
    doc = _linked_doc(tmp_path, port)
    plain = tmp_path / "plain"  # the control: the same file through LibreOffice with no precautions
    subprocess.run([shutil.which("soffice") or "soffice", f"-env:UserInstallation={(tmp_path / 'p1').as_uri()}",
                    "--headless", "--norestore", "--convert-to", "docx", "--outdir", str(plain), str(doc)],
                   check=True, capture_output=True, timeout=180)
    assert "/anh.png" in seen, "the control should have fetched the picture: the test would prove nothing"
    seen.clear()

    run = run_cli("import", doc, "--calendars", CALENDARS, cwd=tmp_path)
    assert run.exit_code == 0, run.stderr
    assert "Word cũ (.doc) qua LibreOffice" in run.stderr
    assert seen == []

    monkeypatch.setattr(tools, "_offline_wrapper", lambda: ())  # a kernel without network namespaces
    assert "Kế hoạch thi đua năm 2026" in reading.read_plan(doc).text
    assert seen == []


@pytest.mark.slow
@pytest.mark.skipif(soffice_missing() is not None, reason=soffice_missing() or "")
def test_a_broken_doc_within_bounds(tmp_path: Path) -> None:
    doc = tmp_path / "hong.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 40)
    run = run_cli("import", doc, "--calendars", CALENDARS, cwd=tmp_path)
    assert run.exit_code == 65, run.stderr
    assert "LibreOffice" in run.stderr and "lưu thành .docx" in run.stderr
    _within_bounds(run)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")
def test_a_scan_named_with_shell_syntax_and_options_is_only_read(tmp_path: Path) -> None:
    """Tesseract gets the file's absolute path: a name like "--psm 99 $(touch pwned).png" is only a name."""
    image = tmp_path / "--psm 99 $(touch pwned) -l eng.png"
    image.write_bytes(huge_png(200))
    run = run_cli("import", image, "--calendars", CALENDARS, cwd=tmp_path)
    assert run.exit_code == 0, run.stderr
    assert not (tmp_path / "pwned").exists()
    _within_bounds(run)


# --- the guards on their own ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "TIFF", "BMP", "WEBP", "GIF"])
def test_image_size_is_read_from_the_header_without_decoding(fmt: str, tmp_path: Path) -> None:
    from PIL import Image

    from scheduler.plans.guards import HEAD_BYTES, image_size, sniff

    path = tmp_path / f"anh.{fmt.lower()}"
    Image.new("L", (1234, 567), 255).save(path, format=fmt)
    head = path.read_bytes()[:HEAD_BYTES * 8]
    kind = sniff(head)
    assert kind == {"PNG": "png", "JPEG": "jpeg", "TIFF": "tiff", "BMP": "bmp", "WEBP": "webp", "GIF": "gif"}[fmt]
    assert image_size(head, kind) == (1234, 567)


@pytest.mark.parametrize(("head", "kind"), [
    (b"PK\x03\x04rest", "zip"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole2"), (b"{\\rtf1\\ansi", "rtf"),
    (b"junk\n%PDF-1.7", "pdf"), (b"  <!DOCTYPE html><html>", "html"), (b"<?xml version='1.0'?><a/>", "xml"),
    ("Kế hoạch".encode("utf-16"), "text"), ("Ke hoach thi đua".encode("utf-16-le"), "text"), ("Kế hoạch\n".encode(), "text"),
    (b"\x00\x01\x02binary", "binary"), (b"", "empty"),
])
def test_the_kind_comes_from_the_bytes(head: bytes, kind: str) -> None:
    from scheduler.plans.guards import sniff

    assert sniff(head) == kind


def test_a_valid_word_file_goes_through_the_bounded_reading(tmp_path: Path) -> None:
    from tests.plan_files import seed_text, to_docx

    plan = to_docx(seed_text("kon-tum-2024"), tmp_path / "kon-tum-2024.docx")
    run = run_cli("import", plan, "--calendars", CALENDARS, cwd=tmp_path)
    assert run.exit_code == 0, run.stderr
    assert "Đọc kon-tum-2024.docx: Word (.docx)." in run.stderr and "id: kon-tum-2024" in run.stdout
    _within_bounds(run)
