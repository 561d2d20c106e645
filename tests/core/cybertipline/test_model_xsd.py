"""The XSD written from the model: it compiles, matches the model exactly, and judges documents as NCMEC's does."""

import pytest

from desktop_app.core.cybertipline.drift import schema_drift, xsd_facts
from desktop_app.core.cybertipline.model_xsd import model_xsd
from desktop_app.core.cybertipline.serialize import serialize
from desktop_app.core.cybertipline.xsd import load_xsd
from tests.core.cybertipline import samples


def test_it_compiles_and_is_stable():
    assert model_xsd() == model_xsd()
    assert model_xsd().startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    load_xsd(model_xsd())


def test_it_has_no_drift_from_the_model():
    drift = schema_drift(model_xsd())
    assert drift.clean, [str(item) for item in drift.items]
    assert not xsd_facts(model_xsd()).unsupported


def test_it_declares_the_answer_roots():
    compiled = load_xsd(model_xsd())
    assert (
        compiled.validate_bytes(
            b"<reportResponse><responseCode>0</responseCode><responseDescription/></reportResponse>"
        )
        == []
    )
    done = b"<reportDoneResponse><responseCode>0</responseCode><reportId>5</reportId><files/></reportDoneResponse>"
    assert compiled.validate_bytes(done) == []


SPAM_FALSE = b"<reportAnnotations><spam>false</spam></reportAnnotations>"


def documents():
    draft, batched = samples.good_draft(), samples.batched_draft()
    yield "good", serialize(draft.report), True
    yield "minimal", serialize(samples.minimal_report()), True
    yield "batched", serialize(batched.report), True
    yield "maximal", serialize(samples.maximal(samples.new_report().decl)), True
    yield "file", serialize(samples.maximal(samples.new_file_details().decl)), True
    body = serialize(samples.minimal_report())
    yield "order", body.replace(b"<incidentSummary>", b"<victim><victimPerson/></victim><incidentSummary>"), False
    yield "enum", body.replace(b"Child Pornography (possession, manufacture, and distribution)", b"Other"), False
    yield (
        "fixed-false",
        body.replace(b"</incidentType>", b"</incidentType>" + SPAM_FALSE),
        False,
    )


@pytest.mark.parametrize(("name", "body", "valid"), list(documents()), ids=[d[0] for d in documents()])
def test_it_agrees_with_ncmecs_schema(ncmec_xsd, name, body, valid):
    ours = load_xsd(model_xsd())
    assert (ours.validate_bytes(body) == []) is valid
    assert (ncmec_xsd.validate_bytes(body) == []) is valid
