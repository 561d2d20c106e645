"""A generated custody log: hundreds of filed reports and their lifecycle, at random times over two years."""

import random
from datetime import UTC, datetime, timedelta

from desktop_app.core.domain.events import CustodyEvent, EventType

START = datetime(2024, 7, 1, tzinfo=UTC)
INCIDENTS = (
    "Child Pornography (possession, manufacture, and distribution)",
    "Online Enticement of Children for Sexual Acts",
)


def generate_log(workspace, reports: int, start: datetime = START) -> None:
    """``reports`` filed reports and the lifecycle around them, at random times over two years."""
    rng = random.Random(14)
    log = workspace.custody_log()
    with workspace.db.write() as conn:
        for n in range(reports):
            when = start + timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
            filed = {"incident_type": rng.choice(INCIDENTS), "hashes": 3 * rng.randrange(1, 5)}
            filed["referral_ready"] = rng.random() < 0.6
            if rng.random() < 0.8:
                data = {"environment": "production", "file_ids": ["f"] * (filed["hashes"] // 3), **filed}
                log.append(conn, CustodyEvent(EventType.SUBMISSION_RECEIPT_ARCHIVED, "R", data, f"r{n}", when))
            else:
                data = {"ncmec_report_id": 1000 + n, **filed}
                log.append(conn, CustodyEvent(EventType.REPORT_NCMEC_ID_RECORDED, "R", data, f"r{n}", when))
            later = when + timedelta(days=rng.randrange(1, 60))
            extra = rng.choice(["none", "retracted", "hold", "destroyed", "contact", "suspended"])
            if extra == "retracted":
                event = CustodyEvent(EventType.SUBMISSION_STATE_CHANGED, "R", {"to": "retracted"}, f"r{n}", later)
            elif extra == "hold":
                source = rng.choice(["2703(f)", "litigation", "2258A(h)(5)"])
                event = CustodyEvent(EventType.HOLD_PLACED, "R", {"source": source}, f"h{n}", later)
            elif extra == "destroyed":
                event = CustodyEvent(EventType.ITEM_DESTROYED, "R", {"basis": "retention review"}, f"i{n}", later)
            elif extra == "contact":
                data = {"kind": "law-enforcement-contact", "received": True}
                event = CustodyEvent(EventType.FOLLOWUP_RECORDED, "R", data, f"r{n}", later)
            elif extra == "suspended":
                data = {"kind": "account-suspended", "received": False}
                event = CustodyEvent(EventType.FOLLOWUP_RECORDED, "R", data, f"r{n}", later)
            else:
                continue
            log.append(conn, event)
