from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def shared_dir() -> Path:
    env = os.environ.get("KAOHE_SHARED_DIR")
    return Path(env) if env else (REPO / ".." / "shared").resolve()


BANK_DIR = shared_dir() / "data" / "anonymous_bank"
BANK_CALLS = BANK_DIR / "data_anonymous_bank_february.txt"
BANK_SHIFTS = BANK_DIR / "data_anonymous_bank_shifts.csv"

CALL_HEADER = ("call_id,queue,direction,customer_id,agent_id,offered_at,answered_at,ended_at,"
               "talk_s,hold_s,acw_s,outcome,transferred,disposition")


def call_row(i: int, agent: str = "A1", **over: str) -> str:
    row = {
        "call_id": f"C{i}", "queue": "general", "direction": "in", "customer_id": f"K{i % 3}",
        "agent_id": agent, "offered_at": f"2026-03-02 09:{i % 60:02d}:00",
        "answered_at": f"2026-03-02 09:{i % 60:02d}:10", "ended_at": f"2026-03-02 09:{i % 60:02d}:50",
        "talk_s": "30", "hold_s": "5", "acw_s": "5", "outcome": "answered", "transferred": "false",
        "disposition": "",
    }
    row.update(over)
    return ",".join(row[c] for c in CALL_HEADER.split(","))


def write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def store_state(data: Path) -> dict[str, bytes]:
    """Every file of a data directory except the staging area, with its content."""
    if not data.exists():
        return {}
    return {str(p.relative_to(data)): p.read_bytes() for p in sorted(data.rglob("*"))
            if p.is_file() and ".staging" not in p.parts}
