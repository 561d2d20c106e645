"""Clients as they really behave: several at once, and the app's existing client for /status and /xsd."""

import hashlib
from concurrent.futures import ThreadPoolExecutor

import httpx

from desktop_app.core.cybertipline.client import CyberTiplineClient
from desktop_app.core.cybertipline.endpoint import Credentials
from desktop_app.core.cybertipline.model_xsd import model_xsd
from tests.core.cybertipline.practice.wire import code, submit, text


def test_parallel_uploads_to_one_report_all_land(server, client):
    report_id = submit(client)
    payloads = [f"synthetic file {n}".encode() * (n + 1) * 1000 for n in range(8)]

    def send(data: bytes) -> tuple[str, str]:
        with httpx.Client(auth=(server.username, server.password), trust_env=False, timeout=10) as http:
            response = http.post(server.url + "/upload", data={"id": str(report_id)}, files={"file": ("f", data)})
            assert code(response) == 0
            return text(response, "fileId"), text(response, "hash")

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(send, payloads))
    held = {f.file_id: f for f in server.snapshot().report(report_id).files}
    assert len(held) == len(payloads) == len({file_id for file_id, _ in answers})
    for (file_id, md5), data in zip(answers, payloads, strict=True):
        assert md5 == hashlib.md5(data).hexdigest() == held[file_id].md5
        assert held[file_id].size == len(data)


def test_parallel_submits_get_distinct_sequential_ids(server):
    def one(_: int) -> int:
        with httpx.Client(base_url=server.url + "/", auth=(server.username, server.password), trust_env=False) as http:
            return submit(http)

    with ThreadPoolExecutor(max_workers=4) as pool:
        ids = sorted(pool.map(one, range(12)))
    assert ids == list(range(ids[0], ids[0] + 12))


def test_the_apps_client_checks_the_connection_and_fetches_the_schema(server):
    with CyberTiplineClient(server.url, Credentials(server.username, server.password)) as ncmec:
        response = ncmec.status()
        assert response.ok and response.request_id
        assert f"Remote User : {server.username}" in response.description
        assert ncmec.fetch_xsd() == model_xsd()
