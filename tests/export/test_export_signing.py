"""Signed exports against someone who knows the scheme: edited figures, edited
attempts with recomputed seals, files re-signed with another key."""

from __future__ import annotations

import base64
import copy
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import World, add_replayed_events, attempt  # type: ignore[import-not-found]
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from coach.cli.export_cmd import export, verify
from coach.cli.keys_cmd import keys
from coach.export.chain import sealed
from coach.export.orgkey import ENV_FILE, ENV_KEY, OrgKey, find_org_key
from coach.export.signing import plain_seal, sign_document
from coach.export.verify import verify_data


def _export(tmp_path: Path, *extra: str) -> dict:
    out = tmp_path / "export.json"
    result = CliRunner().invoke(export, ["--format", "json", "--out", str(out), "--team", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8"))


def _verify(tmp_path: Path, data: dict, *extra: str) -> tuple[int, str]:
    path = tmp_path / "checked.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    result = CliRunner().invoke(verify, [str(path), *extra])
    return result.exit_code, result.output


def _org_key() -> OrgKey:
    key = find_org_key()
    assert key is not None
    return key


def _resign(data: dict, key: OrgKey) -> dict:
    return sign_document({k: v for k, v in data.items() if k != "signature"}, key)


def _ada(data: dict) -> dict:
    return next(p for p in data["learners"] if p["name"].startswith("Ada"))


def _attacker() -> OrgKey:
    return OrgKey(Ed25519PrivateKey.generate(), "attacker")


def test_an_untouched_export_verifies_signature_chain_and_figures(
    world: World, tmp_path: Path
) -> None:
    data = _export(tmp_path)
    key = _org_key()
    assert data["signature"]["key_id"] == key.key_id and data["seal"] == "hmac-sha256"
    code, output = _verify(tmp_path, data)
    assert code == 0, output
    assert f"signed by the organisation's key {key.key_id}" in output
    assert "every seal holds" in output
    # With the public key alone (a manager without the private key), it verifies too.
    code, output = _verify(tmp_path, data, "--public-key", key.public_text)
    assert code == 0, output


# Every headline figure a manager reads, by its path in Ada's record.
EDITS = [
    ("demonstrated", "level"),
    ("demonstrated", "provisional"),
    ("demonstrated", "theta"),
    ("demonstrated", "sd"),
    ("demonstrated", "p_level"),
    ("gap", "gap"),
    ("gap", "status"),
    ("pass_rate",),
    ("passed",),
    ("attempts",),
    ("evidence_by_level", 1, "pass_rate"),
    ("evidence_by_level", 0, "passed"),
    ("judgment", "hit_rate"),
    ("judgment", "false_alarms"),
    ("judgment", "d_prime"),
    ("judgment", "brier"),
    ("judgment", "calibration", 0, "share_right"),
    ("level_history", 0, "to_level"),
    ("level_history", 0, "provisional"),
    ("level_history", 0, "reason"),
    ("sprints",),
    ("private_attempts",),
]


def _edited(value: object) -> object:
    """A plausible different value of the same kind."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return round(value + 0.1, 4)
    if isinstance(value, list):
        return [*value, 99]
    return "at" if value != "at" else "below"


def _set(record: dict, path: tuple) -> None:
    for step in path[:-1]:
        record = record[step]
    record[path[-1]] = _edited(record[path[-1]])


def test_an_edited_headline_figure_is_caught(world: World, tmp_path: Path) -> None:
    original = _export(tmp_path)
    org = _org_key()
    for path in EDITS:
        data = copy.deepcopy(original)
        _set(_ada(data), path)
        result = verify_data(data, org_key=org)
        assert not result.ok and "changed after signing" in str(result.first), path
        # Even re-signed with the organisation's own key (a doctored store exported
        # by the key's holder), the replay of the attempts names the figure.
        result = verify_data(_resign(data, org), org_key=org)
        dotted = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in path)
        dotted = dotted.replace(".[", "[")
        assert not result.ok, path
        assert "Ada Lovelace" in str(result.first) and dotted in str(result.first), result.first
    # The command says the same and exits 1.
    data = copy.deepcopy(original)
    _set(_ada(data), ("judgment", "hit_rate"))
    code, output = _verify(tmp_path, _resign(data, org))
    assert code == 1 and "judgment.hit_rate is" in output and "from its attempts" in output


def test_a_doctored_standing_in_the_store_is_caught_by_the_replay(
    world: World, tmp_path: Path
) -> None:
    _export(tmp_path)  # stores fresh standings
    store = world.store
    real = store.standings()[world.ids["ada"]]
    store.save_standing(real.model_copy(update={"level": 6}))
    data = _export(tmp_path)
    assert _ada(data)["demonstrated"]["level"] == 6  # the export trusted the fresh standing
    code, output = _verify(tmp_path, data)
    assert code == 1
    assert f"demonstrated.level is 6 in the file, but {real.level} from its attempts" in output


def test_a_team_rollup_that_disagrees_with_its_people_is_caught(
    world: World, tmp_path: Path
) -> None:
    data = _export(tmp_path)
    data["team"]["people"] = 30
    code, output = _verify(tmp_path, _resign(data, _org_key()))
    assert code == 1 and "team: people is 30" in output


@pytest.mark.parametrize("extra", [(), ("--include-prompts",)])
def test_an_edited_attempt_with_a_recomputed_unkeyed_seal_is_caught(
    world: World, tmp_path: Path, extra: tuple[str, ...]
) -> None:
    data = _export(tmp_path, *extra)
    target = _ada(data)["chain"]["attempts"][3]
    target["content"]["output_score"] = 1.0
    target["output_score"] = 1.0
    target["seal"] = plain_seal(target["hash"], target["content"])
    code, output = _verify(tmp_path, data)
    assert code == 1 and "changed after signing" in output
    # Without the signature, the keyed seal alone still catches it: the unkeyed
    # recomputation is not what the organisation's key gives.
    data.pop("signature")
    code, output = _verify(tmp_path, data, "--allow-unsigned")
    assert code == 1
    assert f"attempt {target['id']} at position 3" in output
    assert "does not match its seal" in output or "does not match its hash" in output


def test_a_file_resigned_with_another_key_is_caught(world: World, tmp_path: Path) -> None:
    data = _export(tmp_path)
    org = _org_key()
    attacker = _attacker()
    _ada(data)["demonstrated"]["level"] = 6
    forged = _resign(data, attacker)
    for extra in ((), ("--public-key", org.public_text)):
        code, output = _verify(tmp_path, forged, *extra)
        assert code == 1 and "signed with another key" in output, output
    # Claiming the organisation's public key does not help: the signature is checked.
    forged["signature"]["public_key"] = org.public_text
    forged["signature"]["key_id"] = org.key_id
    code, output = _verify(tmp_path, forged, "--public-key", org.public_text)
    assert code == 1 and "does not match the content" in output
    # A file holding the public key works as --public-key too.
    holder = tmp_path / "org.pub"
    holder.write_text(org.public_text + "\n", encoding="utf-8")
    code, output = _verify(tmp_path, data, "--public-key", str(holder))
    assert code == 1 and "changed after signing" in output


def test_without_any_key_a_signed_file_cannot_be_trusted(
    world: World, tmp_path: Path, memory_keyring: object
) -> None:
    data = _export(tmp_path)
    memory_keyring.secrets.clear()  # type: ignore[attr-defined]
    code, output = _verify(tmp_path, data)
    assert code == 1 and "--public-key" in output


def test_unsigned_exports_say_so(world: World, tmp_path: Path) -> None:
    data = _export(tmp_path, "--unsigned")
    assert data["signature"] is None and data["seal"] == "sha256"
    code, output = _verify(tmp_path, data)
    assert code == 1 and "not signed" in output
    code, output = _verify(tmp_path, data, "--allow-unsigned")
    assert code == 0 and "NOT signed" in output


def test_the_private_key_is_never_written_out(world: World, tmp_path: Path) -> None:
    _export(tmp_path)
    secret = base64.b64encode(_org_key().raw()).decode()
    out = tmp_path / "export.json"
    for args in (["export-signing-public"],):
        result = CliRunner().invoke(keys, args)
        assert result.exit_code == 0 and secret not in result.output
        assert result.stdout.strip() == _org_key().public_text
    assert secret not in out.read_text(encoding="utf-8")
    assert secret not in repr(_org_key())


def test_a_key_file_must_be_private(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, memory_keyring: object
) -> None:
    memory_keyring.secrets.clear()  # type: ignore[attr-defined]
    key_file = tmp_path / "keys" / "org.key"
    result = CliRunner().invoke(keys, ["export-signing-new", "--file", str(key_file)])
    assert result.exit_code == 0, result.output
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    monkeypatch.setenv(ENV_FILE, str(key_file))
    data = _export(tmp_path)
    code, output = _verify(tmp_path, data)
    assert code == 0, output
    os.chmod(key_file, 0o644)
    result = CliRunner().invoke(export, ["--format", "json", "--out", str(tmp_path / "x.json")])
    assert result.exit_code == 2 and "chmod 600" in result.output
    assert key_file.read_text().strip() not in result.output
    # The environment variable wins, for CI.
    os.chmod(key_file, 0o600)
    monkeypatch.setenv(ENV_KEY, key_file.read_text().strip())
    monkeypatch.setenv(ENV_FILE, "/nonexistent")
    assert _verify(tmp_path, data)[0] == 0


def test_a_key_can_be_shared_with_another_manager(world: World, tmp_path: Path) -> None:
    data = _export(tmp_path)
    org = _org_key()
    shared = tmp_path / "manager.key"
    result = CliRunner().invoke(
        keys,
        ["export-signing-import", "--file", str(shared)],
        input=base64.b64encode(org.raw()).decode() + "\n",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == org.public_text
    assert _verify(tmp_path, data)[0] == 0


def test_without_a_keyring_export_says_where_to_keep_a_key(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())  # the autouse fixture restores the previous one
    out = tmp_path / "x.json"
    result = CliRunner().invoke(export, ["--format", "json", "--out", str(out), "--team"])
    assert result.exit_code == 2 and "--unsigned" in result.output and ENV_FILE in result.output
    assert not out.exists()
    result = CliRunner().invoke(keys, ["export-signing-new"])
    assert result.exit_code == 1 and "no system keyring" in result.output
    result = CliRunner().invoke(keys, ["export-signing-public"])
    assert result.exit_code == 1 and "export-signing-new" in result.output
    # A key file is the way: created private, found through the variable, used to sign.
    key_file = tmp_path / "org.key"
    assert CliRunner().invoke(keys, ["export-signing-new", "--file", str(key_file)]).exit_code == 0
    monkeypatch.setenv(ENV_FILE, str(key_file))
    result = CliRunner().invoke(export, ["--format", "json", "--out", str(out), "--team"])
    assert result.exit_code == 0 and "signed with key" in result.output
    result = CliRunner().invoke(keys, ["export-signing-new", "--file", str(key_file)])
    assert result.exit_code == 1 and "--replace" in result.output


def test_weaknesses_are_recomputed_from_sealed_facts_in_a_redacted_export(
    world: World, tmp_path: Path
) -> None:
    store = world.store
    bob_id = world.ids["bob"]
    for i in range(5):
        failed = attempt(40 + i, level=1, score=0.0).model_copy(
            update={
                "checks": [{"grader": "json", "passed": False, "score": 0.0}],
                "trap": {"name": "drop_item", "text": "TRAP-TEXT-do-not-export"},
                "details": {"inputs": [{"checks": [{"grader": "regex", "passed": False}]}]},
            }
        )
        store.add_attempt(bob_id, failed)
    add_replayed_events(store, bob_id)
    data = _export(tmp_path)
    bob = next(p for p in data["learners"] if p["id"] == bob_id)
    assert "forgets_format" in {w["code"] for w in bob["weaknesses"]}
    last = bob["chain"]["attempts"][-1]
    assert {"trap", "details"} <= set(last["redacted"])
    assert last["facts"]["mutation"] == "drop_item"
    assert "TRAP-TEXT" not in json.dumps(data)
    code, output = _verify(tmp_path, data)
    assert code == 0, output
    assert "weaknesses were not recomputed" not in output
    # A doctored standing that drops the weakness is caught by the replay.
    standing = store.standings()[bob_id]
    store.save_standing(standing.model_copy(update={"weaknesses": []}))
    code, output = _verify(tmp_path, _export(tmp_path))
    assert code == 1 and "weaknesses" in output, output
    # Facts edited to hide the failures (their unkeyed seals recomputed) do not
    # match the checks still in the content.
    data = _export(tmp_path, "--unsigned")
    bob = next(p for p in data["learners"] if p["id"] == bob_id)
    for item in bob["chain"]["attempts"][-5:]:
        item["facts"]["checks"][0]["passed"] = True
        item["seal"] = plain_seal(item["hash"], sealed(item["content"], item["facts"]))
    code, output = _verify(tmp_path, data, "--allow-unsigned")
    assert code == 1 and "facts do not match" in output, output
