"""Issue 12, item 5: a backup is signed with a key kept outside the database and the archive.

The attack: change a score to 99/S inside a backup and recompute its checksum in the manifest.
With checksums only, it restored cleanly and verified; now the manifest's signature fails.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from kaohe.web import backup as kb
from tests.hardening.test_backup_restore import _wipe_counts, _wipe_for_restore
from tests.web.conftest import walk_to

REPO = Path(__file__).resolve().parents[2]
BACKUP_KEY = "b1:" + "Jk4-Lm7_Np0Qr3St6Uv9Wx2Yz5Ab8Cd1Ef4Gh"


@pytest.fixture(autouse=True)
def _backup_key(settings):  # type: ignore[no-untyped-def]
    settings.KAOHE_BACKUP_KEY = BACKUP_KEY


@pytest.fixture
def archive(org, sheet, tmp_path):  # type: ignore[no-untyped-def]
    walk_to(org, sheet, "published")
    path = tmp_path / "a.tar.gz"
    kb.backup(path, company="demo")
    return path


def _rebuild(src: Path, dest: Path, *, edit_scores: bool = True, drop_signature: bool = False) -> None:
    """Edit the score rows, recompute their checksum in the manifest, keep (or drop) the old signature."""
    with tarfile.open(src, "r:gz") as tin:
        members = {m.name: tin.extractfile(m).read() for m in tin.getmembers() if m.isfile()}  # type: ignore[union-attr]
    manifest = json.loads(members["manifest.json"])
    for name in list(members):
        if edit_scores and "appraisal.ScoreVersion" in name:
            rows = json.loads(members[name])
            for row in rows:
                row["fields"]["total"], row["fields"]["grade"] = "99.0000", "S"
            members[name] = json.dumps(rows, ensure_ascii=False).encode()
            manifest["members"][name] = {"sha256": hashlib.sha256(members[name]).hexdigest(),
                                         "size": len(members[name])}
    members["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
    if drop_signature:
        members.pop(kb.SIGNATURE_MEMBER)
    with tarfile.open(dest, "w:gz") as tout:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tout.addfile(info, io.BytesIO(data))


def test_a_backup_carries_a_signature_of_its_manifest(archive):
    with tarfile.open(archive, "r:gz") as tar:
        sig = json.loads(tar.extractfile(kb.SIGNATURE_MEMBER).read())  # type: ignore[union-attr]
        manifest = tar.extractfile("manifest.json").read()  # type: ignore[union-attr]
    assert sig["key_id"] == "b1"
    kb.check_signature(manifest, json.dumps(sig).encode())  # does not raise


def test_attack_score_changed_to_99_S_with_checksum_recomputed_is_refused(archive, tmp_path):
    bad = tmp_path / "bad.tar.gz"
    _rebuild(archive, bad)
    empty = _wipe_for_restore()
    with pytest.raises(kb.UnsignedBackup) as err:
        kb.restore(bad)
    assert "signature does not match" in err.value.message_en
    assert "签名不符" in err.value.message_zh
    assert _wipe_counts() == empty


def test_an_unsigned_backup_is_refused_and_says_why(archive, tmp_path):
    unsigned = tmp_path / "unsigned.tar.gz"
    _rebuild(archive, unsigned, edit_scores=False, drop_signature=True)
    _wipe_for_restore()
    with pytest.raises(kb.UnsignedBackup) as err:
        kb.restore(unsigned)
    assert "not signed" in err.value.message_en and "--accept-unsigned" in err.value.message_en


def test_an_unsigned_backup_passes_the_signature_check_when_explicitly_accepted(archive, tmp_path):
    unsigned = tmp_path / "unsigned.tar.gz"
    _rebuild(archive, unsigned, edit_scores=False, drop_signature=True)
    with pytest.raises(kb.BackupError) as err:  # the next check refuses: the company is still here
        kb.restore(unsigned, accept_unsigned=True)
    assert not isinstance(err.value, kb.UnsignedBackup)
    assert "already exists" in err.value.message_en


def test_a_backup_signed_with_another_key_is_refused(archive, settings, tmp_path):
    settings.KAOHE_BACKUP_KEY = "b1:" + "Zz9-Yy8_Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp9Oo"
    _wipe_for_restore()
    with pytest.raises(kb.UnsignedBackup) as err:
        kb.restore(archive)
    assert "signature does not match" in err.value.message_en


def test_the_cli_explains_an_unsigned_backup(archive, tmp_path):
    from typer.testing import CliRunner

    from kaohe.cli.main import app

    unsigned = tmp_path / "unsigned.tar.gz"
    _rebuild(archive, unsigned, edit_scores=False, drop_signature=True)
    result = CliRunner().invoke(app, ["restore", str(unsigned)])
    assert result.exit_code == 1
    assert "没有签名" in result.output and "not signed" in result.output


def test_restore_into_a_data_dir_without_schema_migrates_first(archive, tmp_path):
    """A fresh machine: `kaohe restore` into an empty data dir migrates, then restores (no traceback)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAOHE_")}
    fresh = tmp_path / "fresh"
    from kaohe.web.keys import keyring

    ring = keyring("audit")  # the restored chain verifies with the key that signed it
    env.update({"KAOHE_DATA_DIR": str(fresh), "KAOHE_BACKUP_KEY": BACKUP_KEY,
                "KAOHE_AUDIT_KEY": ",".join(f"{k}:{v.decode()}" for k, v in ring.keys.items()), "KAOHE_DB": "sqlite",
                "DJANGO_SETTINGS_MODULE": "kaohe.web.settings"})
    done = subprocess.run([sys.executable, "-m", "kaohe.cli.main", "restore", str(archive)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    out = done.stdout + done.stderr
    assert "Traceback" not in out, out
    assert "migrated first" in out, out
    assert "restored demo" in out and "audit chain intact" in out, out
    assert done.returncode == 0
    assert (fresh / "kaohe.sqlite3").exists()
