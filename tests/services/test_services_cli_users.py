"""``kechuang users``: add (password from stdin, checked), list, set-password — through the same
services and rules as the web."""

from __future__ import annotations

from typer.testing import CliRunner

from kechuang.cli import app
from kechuang.domain import Actor, Region
from kechuang.services import regions, users


def test_add_list_and_set_password(database_url: str) -> None:
    regions.create(Actor.system(), Region(name="兰州新区"))
    runner = CliRunner()
    added = runner.invoke(
        app,
        [
            "users",
            "add",
            "op_lz",
            "--role",
            "region_operator",
            "--region",
            "兰州新区",
            "--password-stdin",
        ],
        input="a long enough passphrase\n",
    )
    assert added.exit_code == 0, added.output
    assert users.sign_in(Actor.anonymous(), "op_lz", "a long enough passphrase")[0].region_id

    weak = runner.invoke(
        app,
        [
            "users",
            "add",
            "op2",
            "--role",
            "region_operator",
            "--region",
            "兰州新区",
            "--password-stdin",
        ],
        input="short\n",
    )
    assert weak.exit_code == 2
    assert "密码至少需要" in weak.output
    assert "at least" in weak.output

    no_region = runner.invoke(
        app,
        ["users", "add", "op3", "--role", "region_operator", "--password-stdin"],
        input="a long enough passphrase\n",
    )
    assert no_region.exit_code == 2
    assert "region" in no_region.output

    listed = runner.invoke(app, ["users", "list"])
    assert listed.exit_code == 0
    assert "op_lz" in listed.output
    assert "op2" not in listed.output

    changed = runner.invoke(
        app, ["users", "set-password", "op_lz", "--password-stdin"], input="brand new passphrase\n"
    )
    assert changed.exit_code == 0, changed.output
    assert users.sign_in(Actor.anonymous(), "op_lz", "brand new passphrase")[0].username == "op_lz"
