"""What real clients send is accepted: content types, declarations, form shapes, chunked and 100-continue."""

import base64
import hashlib
import os
import socket

import pytest

from tests.core.cybertipline.practice.wire import (
    code,
    file_details_xml,
    file_ids,
    minimal_report_xml,
    submit,
    text,
    upload,
)

DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def without_declaration(body: bytes) -> bytes:
    assert body.startswith(DECLARATION)
    return body[len(DECLARATION) :]


def bare(body: bytes) -> bytes:
    """No declaration and no xsi attributes, as the Go client generated from the XSD sends."""
    body = without_declaration(body)
    head_end = body.index(b">")
    name = body[1 : body.index(b" ")]
    return b"<" + name + body[head_end:]


CONTENT_TYPES = ["text/xml", "text/xml; charset=utf-8", "text/xml;charset=UTF-8", "text/plain", "application/xml", None]


@pytest.mark.parametrize("shape", [lambda b: b, without_declaration, bare], ids=["declared", "undeclared", "bare"])
def test_submit_and_fileinfo_accept_what_clients_send(server, client, shape):
    for content_type in CONTENT_TYPES:
        headers = {"Content-Type": content_type} if content_type else {}
        opened = client.post("submit", content=shape(minimal_report_xml()), headers=headers)
        assert code(opened) == 0, (content_type, opened.text)
        report_id = int(text(opened, "reportId"))
        file_id = upload(client, report_id)
        described = client.post("fileinfo", content=shape(file_details_xml(report_id, file_id)), headers=headers)
        assert code(described) == 0, (content_type, described.text)
        assert server.snapshot().report(report_id).files[0].has_file_details
        assert server.snapshot().requests[-1].content_type == content_type


def test_non_ascii_text_survives_in_utf8_and_in_a_declared_latin1_document(server, client):
    utf8 = minimal_report_xml().replace(b"<lastName>Reviewer", "<lastName>Müller-Łukasz".encode())
    first = submit(client, utf8)
    latin1 = (
        minimal_report_xml()
        .replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"')
        .replace(b"<lastName>Reviewer", "<lastName>Müller".encode("latin-1"))
    )
    second = submit(client, latin1)
    snap = server.snapshot()
    assert "Müller-Łukasz" in snap.report(first).xml
    assert "Müller" in snap.report(second).xml


@pytest.mark.parametrize("form", ["urlencoded", "multipart"])
def test_finish_and_retract_take_id_urlencoded_or_multipart(server, client, form):
    keep, drop = submit(client), submit(client)

    def send(endpoint, report_id):
        if form == "urlencoded":
            return client.post(endpoint, data={"id": str(report_id)})
        # curl --form id=N: one multipart part, no filename, no Content-Type
        return client.post(endpoint, files={"id": (None, str(report_id))})

    assert code(send("finish", keep)) == 0
    assert code(send("retract", drop)) == 0
    snap = server.snapshot()
    assert (snap.report(keep).state, snap.report(drop).state) == ("finished", "retracted")


def test_an_id_form_without_content_type_is_read_as_urlencoded(server, client):
    report_id = submit(client)
    response = client.post("finish", content=f"id={report_id}".encode(), headers={"Content-Type": ""})
    assert code(response) == 0


def test_a_multipart_finish_id_with_a_filename_and_type_still_counts(client):
    report_id = submit(client)
    response = client.post("finish", files={"id": ("id.txt", str(report_id).encode(), "text/plain")})
    assert code(response) == 0


def multipart(parts: list[tuple[bytes, bytes]], boundary: bytes = b"practice-boundary") -> bytes:
    """A multipart body from (part headers, content) pairs, built by hand to control every header."""
    out = b""
    for headers, content in parts:
        out += b"--" + boundary + b"\r\n" + headers + b"\r\n" + content + b"\r\n"
    return out + b"--" + boundary + b"--\r\n"


@pytest.mark.parametrize(
    "file_headers",
    [
        b'Content-Disposition: form-data; name="file"; filename="scan.png"\r\nContent-Type: image/png\r\n',
        b'Content-Disposition: form-data; name="file"; filename="scan.png"\r\n',
        b'Content-Disposition: form-data; name="file"\r\n',
        b"content-disposition: form-data; name=file\r\nContent-Transfer-Encoding: binary\r\n",
    ],
    ids=["all-headers", "no-content-type", "no-filename", "unquoted-lowercase"],
)
@pytest.mark.parametrize("id_first", [True, False], ids=["id-first", "file-first"])
def test_upload_part_headers_present_or_absent_and_parts_in_any_order(server, client, file_headers, id_first):
    report_id = submit(client)
    data = os.urandom(5000) + b"\r\n--practice-boundar"  # bytes that look like a boundary must survive
    id_part = (b'Content-Disposition: form-data; name="id"\r\n', str(report_id).encode())
    file_part = (file_headers, data)
    body = multipart([id_part, file_part] if id_first else [file_part, id_part])
    response = client.post(
        "upload", content=body, headers={"Content-Type": "multipart/form-data; boundary=practice-boundary"}
    )
    assert code(response) == 0, response.text
    assert text(response, "hash") == hashlib.md5(data).hexdigest()
    held = server.snapshot().report(report_id).files[0]
    assert held.size == len(data)
    assert held.filename == ("scan.png" if b"filename" in file_headers else None)


def test_an_unnamed_extra_part_is_ignored(client):
    report_id = submit(client)
    body = multipart(
        [
            (b"Content-Type: text/plain\r\n", b"a note without a name"),
            (b'Content-Disposition: form-data; name="id"\r\n', str(report_id).encode()),
            (b'Content-Disposition: form-data; name="file"; filename="a"\r\n', b"payload"),
        ]
    )
    response = client.post(
        "upload", content=body, headers={"Content-Type": "multipart/form-data; boundary=practice-boundary"}
    )
    assert code(response) == 0 and text(response, "hash") == hashlib.md5(b"payload").hexdigest()


def test_a_chunked_upload_is_hashed_as_it_arrives(server, client):
    report_id = submit(client)
    boundary = b"chunky"
    chunks = [os.urandom(65536) for _ in range(40)]  # 2.5 MiB in pieces

    def body():
        yield b'--chunky\r\nContent-Disposition: form-data; name="id"\r\n\r\n' + str(report_id).encode() + b"\r\n"
        yield b'--chunky\r\nContent-Disposition: form-data; name="file"; filename="clip.mp4"\r\n\r\n'
        yield from chunks
        yield b"\r\n--chunky--\r\n"

    request = client.build_request(
        "POST", "upload", content=body(), headers={"Content-Type": "multipart/form-data; boundary=" + boundary.decode()}
    )
    assert request.headers.get("transfer-encoding") == "chunked" and "content-length" not in request.headers
    response = client.send(request)
    assert code(response) == 0, response.text
    whole = b"".join(chunks)
    assert text(response, "hash") == hashlib.md5(whole).hexdigest()
    assert server.snapshot().report(report_id).files[0].size == len(whole)


def test_a_chunked_document_and_a_chunked_finish(client):
    opened = client.post("submit", content=iter([minimal_report_xml()[:50], minimal_report_xml()[50:]]))
    assert code(opened) == 0
    report_id = text(opened, "reportId")
    done = client.post(
        "finish",
        content=iter([b"id=", report_id.encode()]),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert code(done) == 0 and file_ids(done) == []


def read_response(sock: socket.socket) -> bytes:
    reply = b""
    while b"</reportResponse>" not in reply:
        chunk = sock.recv(65536)
        if not chunk:
            break
        reply += chunk
    return reply


def test_an_upload_after_expect_100_continue(server, client):
    """Raw socket, because this tests the server's side of the handshake: headers, wait for 100, then the body."""
    report_id = submit(client)
    data = os.urandom(300_000)
    body = multipart(
        [
            (b'Content-Disposition: form-data; name="id"\r\n', str(report_id).encode()),
            (b'Content-Disposition: form-data; name="file"; filename="big.bin"\r\n', data),
        ]
    )
    credentials = base64.b64encode(f"{server.username}:{server.password}".encode()).decode()
    head = (
        "POST /ispws/upload HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{server.port}\r\n"
        f"Authorization: Basic {credentials}\r\n"
        "Content-Type: multipart/form-data; boundary=practice-boundary\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Expect: 100-continue\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(head)
        interim = sock.recv(1024)
        assert interim.startswith(b"HTTP/1.1 100 ")
        assert server.snapshot().report(report_id).files == ()  # nothing yet: the body is not sent
        sock.sendall(body)
        reply = read_response(sock)
    assert reply.startswith(b"HTTP/1.1 200 ")
    assert f"<hash>{hashlib.md5(data).hexdigest()}</hash>".encode() in reply
    assert server.snapshot().report(report_id).files[0].size == len(data)


def test_several_requests_on_one_kept_alive_connection(server, client):
    report_id = submit(client)
    for index in range(5):
        upload(client, report_id, f"file {index}".encode())
    assert len(server.snapshot().report(report_id).files) == 5
    assert len({r.request_id for r in server.snapshot().requests}) == 6
