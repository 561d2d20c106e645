"""``evidence-desk sandbox`` as a user runs it: a real process serving on loopback until interrupted."""

import json
import os
import signal
import subprocess
import sys

import httpx
import pytest


def start(*args, profile):
    env = {**os.environ, "EVIDENCE_DESK_PROFILE_DIR": str(profile)}
    return subprocess.Popen(
        [sys.executable, "-m", "desktop_app.cli", "sandbox", *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop(process, sig=signal.SIGINT):
    process.send_signal(sig)
    try:
        out, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    return out, err


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_sandbox_serves_until_interrupted_and_reports_its_state_as_json(tmp_path, sig):
    faults = tmp_path / "faults.json"
    faults.write_text(json.dumps({"faults": [{"endpoint": "/xsd", "call": 1, "kind": "status", "status": 503}]}))
    process = start(
        "--json",
        "--username",
        "esp-user",
        "--password",
        "practice-pw",
        "--faults",
        str(faults),
        profile=tmp_path / "profile",
    )
    try:
        first = json.loads(process.stdout.readline())
        assert first["url"].startswith("http://127.0.0.1:") and first["url"].endswith("/ispws")
        assert (first["username"], first["password"], first["faults"]) == ("esp-user", "practice-pw", 1)
        with httpx.Client(base_url=first["url"] + "/", auth=("esp-user", "practice-pw"), trust_env=False) as http:
            assert http.get("status").status_code == 200
            assert http.get("xsd").status_code == 503
            assert http.get("_practice/state").json()["requests"][0]["path"] == "/status"
    finally:
        out, err = stop(process, sig)
    assert process.returncode == 0, err
    final = json.loads(out.strip().splitlines()[-1])
    assert [r["status"] for r in final["requests"]] == [200, 503, 200]


def test_sandbox_prints_generated_credentials(tmp_path):
    process = start(profile=tmp_path / "profile")
    try:
        lines = [process.stdout.readline() for _ in range(4)]
    finally:
        out, err = stop(process)
    assert process.returncode == 0, err
    assert lines[0].startswith("Practice CyberTipline server")
    url = lines[1].split()[-1]
    assert url.startswith("http://127.0.0.1:")
    assert lines[2].split()[-1].startswith("practice-") and len(lines[3].split()[-1]) >= 20
    assert "Stopped after 0 requests" in out


def test_sandbox_refuses_a_bad_fault_file(tmp_path):
    faults = tmp_path / "faults.json"
    faults.write_text('[{"endpoint": "/submit", "kind": "explode"}]')
    done = subprocess.run(
        [sys.executable, "-m", "desktop_app.cli", "sandbox", "--faults", str(faults)],
        env={**os.environ, "EVIDENCE_DESK_PROFILE_DIR": str(tmp_path / "profile")},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert done.returncode == 2
    assert "fault kind 'explode'" in done.stderr


def test_sandbox_wants_both_username_and_password(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "desktop_app.cli", "sandbox", "--username", "only"],
        env={**os.environ, "EVIDENCE_DESK_PROFILE_DIR": str(tmp_path / "profile")},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert done.returncode == 2 and "--password" in done.stderr
