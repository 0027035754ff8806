"""Bad input: one clear line naming the file and the problem, the other files built, a failing exit."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from documents import docx_bytes, encrypted_pdf, html_page, pdf_bytes, plan_lines, plan_text, write
from reportlab.pdfgen import canvas

from policykg.errors import InputError
from policykg.graph.store import Store
from policykg.loaders.read import MAX_BYTES, read_document
from policykg.pipeline import build, process_file

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8


def _scanned_pdf() -> bytes:
    """A PDF whose page is a picture: no text layer at all."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    pdf.rect(50, 50, 400, 600, fill=1)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def _huge(path: Path) -> Path:
    """A 100 MB file (sparse: it costs no disk)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        fh.truncate(100 * 2**20)
    return path


def _future_zip(data: bytes) -> bytes:
    """A ZIP package whose central directory asks for a ZIP version zipfile cannot read (6.4)."""
    out = bytearray(data)
    entry = out.find(b"PK\x01\x02")  # the first central directory entry; bytes 6-7: version needed
    out[entry + 6 : entry + 8] = (64).to_bytes(2, "little")
    return bytes(out)


# name -> (how to make it, the words its message must hold)
BAD = {
    "empty.txt": (lambda p: write(p, b""), "empty file"),
    "scan.txt": (lambda p: write(p, PNG), "not text (binary content"),
    "undecodable.txt": (lambda p: write(p, b"2022\x81\x30\xff\xfe\x80" * 200), "undecodable bytes"),
    "huge.txt": (_huge, "file too large for a plan (100.0 MB; the limit is 32 MB)"),
    "truncated.pdf": (
        lambda p: write(p, pdf_bytes([plan_lines()])[:1500]),
        "truncated PDF (no end-of-file marker",
    ),
    "encrypted.pdf": (
        lambda p: write(p, encrypted_pdf(pdf_bytes([plan_lines()]), user_password="secret")),
        "encrypted PDF (it needs a password to open",
    ),
    "scanned.pdf": (lambda p: write(p, _scanned_pdf()), "no text layer in the PDF (a scan? run OCR"),
    "error-page.pdf": (
        lambda p: write(p, "<html><body>404 Not Found</body></html>"),
        "not a PDF (no %PDF- header)",
    ),
    "damaged.docx": (lambda p: write(p, docx_bytes(plan_lines())[:3000]), "damaged Word file"),
    "zip-version.docx": (lambda p: write(p, _future_zip(docx_bytes(plan_lines()))), "zip file version 6.4"),
    "old.doc": (
        lambda p: write(p, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024)),
        "unsupported format: an old-format Office file",
    ),
    "empty-page.html": (
        lambda p: write(
            p, "<html><head><script>load()</script></head><body><div id=app></div></body></html>"
        ),
        "no text in the page",
    ),
    "placeless.txt": (
        lambda p: write(
            p, "2022年生态环境保护工作要点\n一、深入打好蓝天保卫战\n（一）推进挥发性有机物综合治理。\n"
        ),
        "no recognisable region (name the place in a manifest",
    ),
    "yearless.txt": (
        lambda p: write(p, plan_text().replace("2022年", "")),
        "no recognisable year (give it in a manifest",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_each_bad_file_gets_one_clear_input_error(tmp_path: Path, name: str) -> None:
    make, words = BAD[name]
    path = make(tmp_path / name)
    with pytest.raises(InputError) as info:
        process_file(path)
    assert info.value.path == path
    assert words in info.value.problem
    assert str(info.value).startswith(f"{path}: ")
    assert "\n" not in str(info.value)


def test_limit_is_checked_before_reading(tmp_path: Path) -> None:
    path = _huge(tmp_path / "huge.pdf")
    assert path.stat().st_size > MAX_BYTES
    with pytest.raises(InputError, match="too large"):
        read_document(path)


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_document(tmp_path / "nope.pdf")
    report = build([tmp_path / "nope"], Store(tmp_path / "db"), workers=1)
    assert report.failed == [(tmp_path / "nope", "no such file or folder")]


def test_a_build_over_every_kind_of_bad_file(tmp_path: Path) -> None:
    folder = tmp_path / "downloads"
    for name, (make, _) in BAD.items():
        make(folder / name)
    write(folder / "good" / "zhangzhou-2022.html", html_page(), "utf-8")
    write(folder / "good" / "quanzhou-2021.txt", plan_text("泉州市", 2021), "gbk")
    write(folder / "good" / "fuzhou-2023.pdf", pdf_bytes([plan_lines("福州市", 2023)]))
    missing = tmp_path / "not-there.txt"
    store = tmp_path / "db"
    done = subprocess.run(
        [sys.executable, "-m", "policykg", "build", str(folder), str(missing), "--store", str(store)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "CI": "1"},
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    errors = [line for line in lines if line.startswith("error: ")]
    # old.doc is in a folder: skipped with a note, not a failure.
    failing = {name: words for name, (_, words) in BAD.items() if name != "old.doc"}
    assert len(errors) == len(failing) + 1
    for name, words in failing.items():
        mine = [line for line in errors if line.startswith(f"error: {folder / name}: ")]
        assert len(mine) == 1, (name, errors)
        assert words in mine[0]
    assert f"error: {missing}: no such file or folder" in errors
    assert any(line.startswith(f"note: {folder / 'old.doc'}: skipped, unsupported format") for line in lines)
    summary = lines[-1]
    assert summary.startswith(f"3 built, 1 skipped (1 unsupported format), {len(failing) + 1} failed")
    graphs = Store(store, read_only=True).document_graphs()
    assert sorted(g.rsplit("/", 1)[-1] for g in graphs) == ["fuzhou-2023", "quanzhou-2021", "zhangzhou-2022"]
