"""Invalid KECHUANG_* settings at start: every ``kechuang`` command (``serve`` included) prints a
bilingual account naming the variable, the bad value, what is allowed and how to fix it, exits
with code 2 and shows no traceback; ``--help`` still works; secrets are never echoed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from kechuang.config import Settings, settings_error_lines

KECHUANG = Path(sys.executable).with_name("kechuang")


def _run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KECHUANG_")}
    clean.update(KECHUANG_DATA_DIR=str(tmp_path), **env)
    return subprocess.run(
        [str(KECHUANG), *args],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
    )


@pytest.mark.parametrize("command", [["serve"], ["dockings", "stale"], ["db", "current"]])
def test_bad_number_names_variable_value_range_and_fix(command: list[str], tmp_path: Path) -> None:
    done = _run(command, tmp_path, KECHUANG_MATCH_HNSW_M="2")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "KECHUANG_MATCH_HNSW_M" in done.stderr
    assert "“2”" in done.stderr
    assert "4 到 256 之间的整数" in done.stderr  # what is allowed, in Chinese
    assert "a whole number from 4 to 256" in done.stderr  # and in English
    assert ".env" in done.stderr  # where
    assert "默认值 32" in done.stderr  # how to fix
    assert "default 32" in done.stderr


def test_every_bad_setting_is_listed_and_choices_are_named(tmp_path: Path) -> None:
    done = _run(
        ["stats", "overview"],
        tmp_path,
        KECHUANG_DEFAULT_LANGUAGE="fr",
        KECHUANG_DEBUG="maybe",
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "KECHUANG_DEFAULT_LANGUAGE" in done.stderr
    assert "one of: zh / en" in done.stderr
    assert "KECHUANG_DEBUG" in done.stderr
    assert "true or false" in done.stderr


def test_help_works_with_bad_settings(tmp_path: Path) -> None:
    done = _run(["dockings", "--help"], tmp_path, KECHUANG_MATCH_HNSW_M="2")
    assert done.returncode == 0, done.stderr
    assert "remind" in done.stdout


def test_production_guard_is_bilingual_and_secrets_are_hidden(tmp_path: Path) -> None:
    done = _run(
        ["serve"],
        tmp_path,
        KECHUANG_ENVIRONMENT="production",
        KECHUANG_SECRET_KEY="short-secret-value",
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "KECHUANG_SECRET_KEY" in done.stderr
    assert "至少 32 个字符" in done.stderr
    assert "short-secret-value" not in done.stderr


def test_a_secret_value_is_not_echoed() -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(secret_key=["s3cr3t-word", "x"], page_size=0)  # type: ignore[arg-type]
    text = "\n".join(settings_error_lines(caught.value))
    assert "KECHUANG_SECRET_KEY = （已隐藏 / hidden）" in text
    assert "s3cr3t" not in text
    assert "KECHUANG_PAGE_SIZE = “0”" in text
    assert "1 到 1000 之间的整数" in text
