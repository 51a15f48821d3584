import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from linfen_admin.uploads import check_upload

ALLOWED = (".pdf", ".png", ".csv")


@pytest.mark.parametrize(
    "name, content, code",
    [
        ("a.exe", b"MZ", "extension"),
        ("a.pdf", b"", "empty"),
        ("a.pdf", b"\x89PNG\r\n\x1a\n", "content"),
        ("a.csv", b"PK\x03\x04zip", "content"),
    ],
)
def test_refusals_say_why(name, content, code):
    with pytest.raises(ValidationError) as refused:
        check_upload(SimpleUploadedFile(name, content), allowed=ALLOWED)
    assert refused.value.code == code


def test_too_large(settings):
    settings.UPLOAD_MAX_BYTES = 4
    with pytest.raises(ValidationError, match="文件过大"):
        check_upload(SimpleUploadedFile("a.pdf", b"%PDF-1.7"), allowed=ALLOWED)


def test_accepted_file_is_rewound():
    upload = SimpleUploadedFile("报告.PDF", b"%PDF-1.7 body")
    assert check_upload(upload, allowed=ALLOWED) == (".pdf", b"%PDF-1.7 body")
    assert upload.read(5) == b"%PDF-"
