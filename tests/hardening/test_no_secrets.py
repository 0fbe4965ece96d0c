"""Secrets come from the environment: no tracked file of the repository holds one."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

PATTERNS = {
    "private key": re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----"),
    "AWS access key": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "Kaohe API token": re.compile(r"\bkh_[0-9a-f]{8}_[A-Za-z0-9_-]{20,}"),
    # password = "literal" / PASSWORD: literal — but not empty, not an env lookup, not a placeholder
    "literal password": re.compile(
        r"""(?i)(?<![a-z])(?:password|passwd|secret_key|api_key)\s*[=:]\s*["']?(?!["'\s,)]|change-me|\{|\$|<|os\.|env)"""
        r"""[^\s"',)]{8,}"""),
}
# Files that may legitimately contain these words with example values. Placeholders (change-me, …)
# and the local demo's published password (kaohe.web.demo) are not secrets.
ALLOWED = {
    "tests/hardening/test_no_secrets.py",  # the patterns and their self-test
}
PLACEHOLDER = re.compile(r"(?i)change-me|example|dummy|placeholder|xxxx|\*\*\*\*|pw-|dev-only|test|demo")


def tracked_files() -> list[Path]:
    try:
        out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             cwd=REPO, capture_output=True, check=True, timeout=60).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [REPO / p for p in out.decode().split("\0") if p]


# A test's throw-away user in its own test database is not a secret.
TEST_USER = re.compile(r"create_user\(")
# An unquoted value that is a call (secrets.token_urlsafe(…), get_secret(…)) is code, not a literal.
CODE_VALUE = re.compile(r"""[=:]\s*[A-Za-z_][\w.]*\(""")
# In Python source an unquoted name after "=" (password = password or …, password=password) is a
# variable: a literal would be quoted. Only there: in .env, shell, YAML or INI files an unquoted
# value (DB_PASSWORD=hunter2hunter2) is the literal itself.
NAME_VALUE = re.compile(r"""=\s*[A-Za-z_]\w*$""")


def find_secrets(text: str, *, in_tests: bool = False, python: bool = False) -> list[tuple[int, str]]:
    hits = []
    for n, line in enumerate(text.splitlines(), start=1):
        for name, pattern in PATTERNS.items():
            m = pattern.search(line)
            if not m:
                continue
            if name == "literal password" and (PLACEHOLDER.search(m.group(0)) or CODE_VALUE.search(m.group(0))
                                               or (python and NAME_VALUE.search(m.group(0)))
                                               or (in_tests and TEST_USER.search(line))):
                continue
            hits.append((n, name))
    return hits


def test_the_scanner_finds_each_kind_of_secret():
    key = "-----BEGIN " + "PRIVATE KEY-----"
    samples = [key, "aws = 'AKIA" + "ABCDEFGHIJKLMNOP'", "Bearer kh_" + "0a1b2c3d_" + "Q" * 43,
               "PASSWORD = 'Sup3rS3cretValue'", "db_password: hunter2hunter2"]
    for sample in samples:
        assert find_secrets(sample), sample
    # an unquoted value outside Python source is the literal (a .env line, a shell export)
    samples += ["DB_PASSWORD=Sup3rS3cretValue", "export KAOHE_SECRET_KEY=Sup3rS3cretValue"]
    for sample in samples:
        assert find_secrets(sample), sample
    harmless = ["KAOHE_DB_PASSWORD=change-me", "PASSWORD = secrets.token_urlsafe(12)", 'PASSWORD": env_str("KAOHE_DB_PASSWORD", "")',
                "password=os.environ['X']", 'create_user(name, password="pw-" + name)']
    for sample in harmless:
        assert not find_secrets(sample), sample
    # in Python an unquoted name is a variable, whatever follows it; a quoted value is still a literal
    for sample in ("password = password or temporary_password()", "create_user(username=u, password=password)",
                   "PASSWORD = stored_password", "api_key=api_key)"):
        assert not find_secrets(sample, python=True), sample
    assert find_secrets("PASSWORD = 'Sup3rS3cretValue'", python=True)
    fixture_user = 'create_user("a", password="x-unused-9")'
    assert not find_secrets(fixture_user, in_tests=True)
    assert find_secrets(fixture_user, in_tests=False)  # outside tests/ it counts


def test_no_tracked_file_contains_a_secret():
    problems = []
    for path in tracked_files():
        rel = str(path.relative_to(REPO))
        if rel in ALLOWED or not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary (Parquet, images, fonts)
        problems += [f"{rel}:{n}: {what}" for n, what in find_secrets(text, in_tests=rel.startswith("tests/"),
                                                                       python=rel.endswith(".py"))]
    assert problems == []
