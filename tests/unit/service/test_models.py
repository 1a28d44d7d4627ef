import base64

import pytest
from codify.models import CodifyRequest
from common.settings import MAX_PDF_BYTES, MAX_TEXT_BYTES
from pydantic import ValidationError


def errors(payload: dict) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as info:
        CodifyRequest.model_validate(payload)
    return [(".".join(str(p) for p in e["loc"]), e["type"]) for e in info.value.errors()]


def test_text_request_gets_the_documented_defaults():
    r = CodifyRequest.model_validate({"text": "Essential hypertension."})
    assert (r.model, r.language, r.setting, r.include_discarded, r.max_codes, r.min_confidence) == (
        "default",
        "auto",
        "outpatient",
        True,
        None,
        0,
    )


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"language": "en"},
        {"text": "a", "pdf": "JVBERi0="},
        {"text": "a", "upload_id": "u1"},
        {"pdf": "JVBERi0=", "upload_id": "u1"},
    ],
)
def test_exactly_one_input(payload):
    assert errors(payload) == [("", "input_count")]


def test_text_limit_counts_utf8_bytes_not_characters():
    at_limit = "é" * (MAX_TEXT_BYTES // 2)  # two bytes each: exactly 51,200 bytes
    assert CodifyRequest.model_validate({"text": at_limit}).text == at_limit
    assert errors({"text": at_limit + "a"}) == [("text", "payload_too_large")]
    assert errors({"text": "a" * (MAX_TEXT_BYTES + 1)}) == [("text", "payload_too_large")]


@pytest.mark.parametrize("text", ["", "   ", "\n\t \r\n"])
def test_empty_or_whitespace_text_is_invalid(text):
    assert errors({"text": text}) == [("text", "empty")]


def test_lone_surrogates_are_not_utf8():
    assert errors({"text": "fever \ud800"}) == [("text", "invalid_utf8")]


def test_unknown_fields_and_wrong_types_name_every_field():
    found = errors({"text": "a", "patient_name": "Jane", "max_codes": "10", "include_discarded": "yes"})
    assert sorted(found) == [
        ("include_discarded", "bool_type"),
        ("max_codes", "int_type"),
        ("patient_name", "extra_forbidden"),
    ]


@pytest.mark.parametrize(
    "field,value,kind",
    [
        ("language", "fr", "literal_error"),
        ("setting", "emergency", "literal_error"),
        ("min_confidence", 101, "less_than_equal"),
        ("max_codes", 0, "greater_than_equal"),
        ("model", "../../etc/passwd", "string_pattern_mismatch"),
    ],
)
def test_option_constraints(field, value, kind):
    assert errors({"text": "a", field: value}) == [(field, kind)]


def test_pdf_must_be_base64_and_decodes():
    pdf = b"%PDF-1.4 minimal"
    r = CodifyRequest.model_validate({"pdf": base64.b64encode(pdf).decode()})
    assert r.pdf_bytes == pdf
    assert errors({"pdf": "not base64!"}) == [("pdf", "invalid_base64")]
    assert errors({"pdf": "abc"}) == [("pdf", "invalid_base64")]


def test_pdf_over_5mb_is_too_large_before_decoding():
    oversized = "A" * ((MAX_PDF_BYTES // 3 + 2) * 4)
    assert errors({"pdf": oversized}) == [("pdf", "payload_too_large")]


@pytest.mark.parametrize("language", ["auto", "es", "ca", "gl", "eu", "en"])
def test_every_language_of_the_contract_is_accepted(language):
    assert CodifyRequest.model_validate({"text": "x", "language": language}).language == language


def test_the_openapi_document_lists_the_languages():
    from codify.models import InputOut

    request = CodifyRequest.model_json_schema()["properties"]["language"]
    assert request["enum"] == ["auto", "es", "ca", "gl", "eu", "en"]
    assert InputOut.model_json_schema()["properties"]["language"]["enum"] == ["es", "ca", "gl", "eu", "en"]
