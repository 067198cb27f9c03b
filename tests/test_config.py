"""Settings: defaults, round trip, precise error messages, and no keys in the file."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from coach import paths
from coach.cli import main
from coach.config import (
    Config,
    ConfigError,
    Learner,
    config_path,
    load_config,
    save_config,
    set_value,
    unset_value,
)

FAKE_KEY = "sk-proj-ZYXWVUTSRQPONMLKJIHGFEDCBA0123456789abcd"


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input)


def write(text: str) -> Path:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- location ---------------------------------------------------------------


def test_config_path_honours_coach_home(coach_home: Path) -> None:
    result = run("config", "path")
    assert result.exit_code == 0
    assert result.stdout.strip() == str(coach_home / "config" / "config.toml")
    assert config_path() == paths.config_file()


def test_coach_config_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "elsewhere.toml"
    monkeypatch.setenv("COACH_CONFIG", str(target))
    assert run("config", "path").stdout.strip() == str(target)
    assert run("config", "set", "theme", "nord").exit_code == 0
    assert tomllib.loads(target.read_text())["theme"] == "nord"


# --- defaults and round trip ------------------------------------------------


def test_missing_file_gives_defaults() -> None:
    config = load_config()
    assert config == Config()
    assert config.model == "local/smollm2"
    assert config.spend_cap_usd == 1.0
    assert config.theme == "textual-dark"
    assert config.trap_rate is None and config.coach_model is None
    assert config.packs == [] and config.keymap == {} and config.api_base == {}
    assert not config_path().exists()  # reading never creates the file


def test_show_without_file_prints_defaults_and_source() -> None:
    result = run("config", "show")
    assert result.exit_code == 0, result.output
    assert str(config_path()) in result.stdout
    assert "defaults" in result.stdout
    shown = tomllib.loads(result.stdout)  # the output is valid TOML
    assert shown["model"] == "local/smollm2"
    assert shown["spend_cap_usd"] == 1.0


def test_round_trip() -> None:
    config = Config(
        learner=Learner(name="Ana Ruiz", email="ana@example.com", role="analyst"),
        model="openai/gpt-4o-mini",
        coach_model="anthropic/claude-3-5-haiku-latest",
        judge_model="openai/gpt-4.1",
        api_base={"ollama/llama3.2": "http://localhost:11434"},
        spend_cap_usd=2.5,
        trap_rate=0.3,
        theme="nord",
        keymap={"submit": "ctrl+j", "app.quit": "ctrl+q"},
        packs=[Path("~/packs/team"), Path("/srv/packs")],
        database_url="postgresql://db.example.com/coach",
    )
    path = save_config(config)
    assert path == config_path()
    assert load_config() == config
    text = path.read_text()
    assert "None" not in text and "null" not in text


def test_save_writes_only_what_was_set() -> None:
    save_config(Config(spend_cap_usd=3))
    table = tomllib.loads(config_path().read_text())
    assert table == {"spend_cap_usd": 3.0}  # no None values, no pinned defaults
    assert load_config().model == "local/smollm2"


def test_nested_and_in_place_changes_are_saved() -> None:
    config = load_config()
    config.learner.name = "Ana"
    config.packs.append(Path("~/packs"))
    config.keymap["submit"] = "ctrl+j"
    save_config(config)
    again = load_config()
    assert again.learner.name == "Ana"
    assert again.packs == [Path("~/packs")]
    assert again.keymap == {"submit": "ctrl+j"}


def test_save_is_atomic_and_creates_the_folder(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "er" / "config.toml"
    save_config(Config(theme="nord"), target)
    save_config(Config(theme="gruvbox"), target)
    assert load_config(target).theme == "gruvbox"
    assert [p.name for p in target.parent.iterdir()] == ["config.toml"]  # no temp files left


def test_assignment_is_validated_and_saved() -> None:
    config = load_config()
    config.model = "groq/llama-3.1-8b-instant"
    save_config(config)
    assert load_config().model == "groq/llama-3.1-8b-instant"
    with pytest.raises(ValueError):
        config.spend_cap_usd = -5


# --- bad files --------------------------------------------------------------


def test_corrupt_toml_names_path_and_line_without_traceback() -> None:
    path = write('model = "openai/gpt-4o-mini"\ntheme = nord\n')
    result = run("config", "show")
    assert result.exit_code == 1
    assert str(path) in result.stderr
    assert "line 2" in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""
    with pytest.raises(ConfigError, match="line 2, column 9"):
        load_config()


def test_unterminated_string_at_end_of_file() -> None:
    write('model = "openai/gpt-4o-mini\n')
    with pytest.raises(ConfigError) as caught:
        load_config()
    assert str(config_path()) in str(caught.value)
    assert "not valid TOML" in str(caught.value)


def test_out_of_range_names_field_value_and_fix() -> None:
    path = write("spend_cap_usd = -1\n")
    with pytest.raises(ConfigError) as caught:
        load_config()
    assert str(caught.value) == (
        f"{path}: spend_cap_usd: must be at least 0 (got -1). "
        "Fix the value or delete the line to use the default."
    )
    assert caught.value.problems[0].field == "spend_cap_usd"


def test_nested_wrong_type_gives_dotted_field_path() -> None:
    write('trap_rate = 1.5\n[learner]\nemail = "not-an-address"\nname = 7\n')
    result = run("config", "show")
    assert result.exit_code == 1
    assert "learner.email: must be an email address" in result.stderr
    assert "learner.name: must be text in quotes (got 7)" in result.stderr
    assert "trap_rate: must be at most 1 (got 1.5)" in result.stderr
    assert "Traceback" not in result.output


def test_wrong_type_for_a_number() -> None:
    write('spend_cap_usd = "lots"\n')
    with pytest.raises(ConfigError, match=r'spend_cap_usd: must be a number \(got "lots"\)'):
        load_config()


def test_typo_is_reported_with_a_suggestion() -> None:
    write('thme = "nord"\n')
    with pytest.raises(ConfigError) as caught:
        load_config()
    message = str(caught.value)
    assert "thme: unknown setting" in message
    assert "Did you mean `theme`?" in message


def test_bad_url_in_a_map_is_reported() -> None:
    write('[api_base]\n"ollama/llama3.2" = "localhost:11434"\n')
    with pytest.raises(ConfigError, match="must start with http:// or https://"):
        load_config()


# --- no keys in the config --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "field", "provider"),
    [
        ('api_key = "x"\n', "api_key", "PROVIDER"),
        ('openai_api_key = "x"\n', "openai_api_key", "openai"),
        ('anthropic_key = "x"\n', "anthropic_key", "anthropic"),
        ('github_token = "x"\n', "github_token", "PROVIDER"),
        ('[learner]\napi_key = "x"\n', "learner.api_key", "PROVIDER"),
        ('[groq]\ntoken = "x"\n', "groq.token", "PROVIDER"),
    ],
)
def test_key_like_settings_are_refused(text: str, field: str, provider: str) -> None:
    write(text)
    with pytest.raises(ConfigError) as caught:
        load_config()
    message = str(caught.value)
    assert f"{field}: API keys must not be stored in the config file" in message
    assert f"coach keys set {provider}" in message


def test_key_shaped_value_is_refused_and_not_echoed() -> None:
    write(f'model = "{FAKE_KEY}"\n')
    result = run("config", "show")
    assert result.exit_code == 1
    assert "model: this value looks like an API key" in result.stderr
    assert "coach keys set" in result.stderr
    assert FAKE_KEY not in result.output


def test_key_in_a_url_query_is_refused() -> None:
    write('[api_base]\n"azure/gpt-4o" = "https://x.example.com/v1?api_key=abc"\n')
    with pytest.raises(ConfigError, match="looks like an API key"):
        load_config()


def test_names_in_keymap_are_not_mistaken_for_keys() -> None:
    write('[keymap]\nsubmit_key = "ctrl+j"\n')
    assert load_config().keymap == {"submit_key": "ctrl+j"}


def test_save_refuses_a_key_shaped_value() -> None:
    with pytest.raises(ConfigError, match="looks like an API key"):
        save_config(Config(judge_model=FAKE_KEY))
    assert not config_path().exists()


def test_config_set_refuses_keys_and_leaves_the_file_alone() -> None:
    run("config", "set", "theme", "nord")
    before = config_path().read_text()
    by_name = run("config", "set", "openai_api_key", "whatever")
    assert by_name.exit_code == 1
    assert "coach keys set openai" in by_name.stderr
    by_value = run("config", "set", "model", FAKE_KEY)
    assert by_value.exit_code == 1
    assert FAKE_KEY not in by_value.output
    assert config_path().read_text() == before
    assert FAKE_KEY not in before


# --- config set / unset -----------------------------------------------------


def test_config_set_and_unset() -> None:
    assert run("config", "set", "spend_cap_usd", "2.5").exit_code == 0
    assert run("config", "set", "learner.name", "Ana").exit_code == 0
    assert run("config", "set", "api_base.ollama/llama3.2", "http://localhost:11434").exit_code == 0
    assert run("config", "set", "packs", "~/packs").exit_code == 0
    config = load_config()
    assert config.spend_cap_usd == 2.5
    assert config.learner.name == "Ana"
    assert config.api_base == {"ollama/llama3.2": "http://localhost:11434"}
    assert config.packs == [Path("~/packs")]
    result = run("config", "unset", "learner.name")
    assert result.exit_code == 0
    assert "learner" not in tomllib.loads(config_path().read_text())
    assert "not set" in run("config", "unset", "learner.name").stdout


def test_config_set_rejects_bad_value_with_field_and_keeps_file() -> None:
    set_value("theme", "nord")
    before = config_path().read_text()
    result = run("config", "set", "spend_cap_usd", "-1")
    assert result.exit_code == 1
    assert "spend_cap_usd: must be at least 0 (got -1)" in result.stderr
    assert "Nothing was changed" in result.stderr
    typo = run("config", "set", "learner.emial", "a@b.c")
    assert typo.exit_code == 1
    assert "Did you mean `email`?" in typo.stderr
    assert config_path().read_text() == before


def test_unset_on_missing_file_is_harmless() -> None:
    assert unset_value("theme") is False
    assert not config_path().exists()


# --- derived values ---------------------------------------------------------


def test_database_url_env_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    save_config(Config(database_url="postgresql://coach:hunter2@db.example.com/coach"))
    config = load_config()
    assert config.effective_database_url() == "postgresql://coach:hunter2@db.example.com/coach"
    shown = run("config", "show").stdout
    assert "hunter2" not in shown and "coach:***@db.example.com" in shown
    monkeypatch.setenv("COACH_DATABASE_URL", "sqlite:////tmp/other.db")
    assert config.effective_database_url() == "sqlite:////tmp/other.db"
    assert "COACH_DATABASE_URL" in run("config", "show").stdout


def test_default_database_is_sqlite_in_the_data_folder(coach_home: Path) -> None:
    url = Config().effective_database_url()
    assert url.startswith("sqlite:///") and str(coach_home / "data") in url


def test_pack_dirs_resolve_relative_to_config_folder(tmp_path: Path) -> None:
    config = Config(packs=[Path("team"), Path("/abs/pack"), Path("~/mine")])
    dirs = config.pack_dirs()
    assert dirs[0] == config_path().parent / "team"
    assert dirs[1] == Path("/abs/pack")
    assert dirs[2] == Path.home() / "mine"
