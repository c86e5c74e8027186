"""The configuration resolver: defaults < TOML file < environment < flags; clear errors; masked secrets."""

import pytest

from paperbrief.config import ConfigError, load_settings


def test_defaults_follow_arxiv_rules_and_real_endpoints(tmp_path):
    s = load_settings(env={"PAPERBRIEF_CONFIG": "", "PAPERBRIEF_HOME": str(tmp_path)})
    assert s.arxiv_delay == 3.0
    assert s.hf_endpoint == "https://huggingface.co"
    assert s.arxiv_export_url == "https://export.arxiv.org/api/query"
    assert not s.llm_configured


def test_order_file_then_env_then_flags(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('model = "from-file"\njobs = 3\nlang = "en"\n[prices]\nmy-model = [1.0, 2.0]\n', encoding="utf-8")
    env = {"PAPERBRIEF_CONFIG": str(cfg), "PAPERBRIEF_MODEL": "from-env", "PAPERBRIEF_HOME": str(tmp_path)}
    s = load_settings({"jobs": 7, "lang": None}, env=env)
    assert s.model == "from-env"  # env beats file
    assert s.jobs == 7  # flag beats file
    assert s.lang == "en"  # None flag leaves the file's value
    assert s.prices["my-model"] == (1.0, 2.0) and "gpt-4o-mini" in s.prices


def test_unknown_key_is_named(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("modle = 'x'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown key 'modle'"):
        load_settings(env={"PAPERBRIEF_CONFIG": str(cfg)})


def test_bad_value_names_key_and_origin(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"'jobs'.*environment variable PAPERBRIEF_JOBS"):
        load_settings(env={"PAPERBRIEF_CONFIG": str(cfg), "PAPERBRIEF_JOBS": "lots"})
    cfg.write_text("arxiv_delay = -1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"'arxiv_delay'.*config file"):
        load_settings(env={"PAPERBRIEF_CONFIG": str(cfg)})


def test_missing_explicit_config_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(env={"PAPERBRIEF_CONFIG": str(tmp_path / "missing.toml")})


def test_invalid_toml_is_one_line(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("model = \n", encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_settings(env={"PAPERBRIEF_CONFIG": str(cfg)})
    assert "\n" not in str(e.value) and "not valid TOML" in str(e.value)


def test_api_key_is_masked_and_empty_means_unset(tmp_path):
    secret = "sk-test-abcdefghijklmnopqrstuvwxyz123456"
    cfg = tmp_path / "c.toml"
    cfg.write_text("", encoding="utf-8")
    s = load_settings(env={"PAPERBRIEF_CONFIG": str(cfg), "OPENAI_API_KEY": secret})
    assert s.llm_configured and s.api_key == secret
    assert secret not in repr(s) and secret not in str(s.masked())
    s2 = load_settings(env={"PAPERBRIEF_CONFIG": str(cfg), "OPENAI_API_KEY": "", "OPENAI_BASE_URL": ""})
    assert not s2.llm_configured


def test_bad_api_key_value_never_echoed(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("openai_api_key = 12345678901234567890\n", encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_settings(env={"PAPERBRIEF_CONFIG": str(cfg)})
    assert "12345678901234567890" not in str(e.value)


def test_hosted_endpoint_without_key_names_every_fix(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("", encoding="utf-8")
    s = load_settings(env={"PAPERBRIEF_CONFIG": str(cfg), "OPENAI_BASE_URL": "https://api.deepseek.com"})
    problem = s.key_problem()
    assert "OPENAI_API_KEY" in problem and str(cfg) in problem and "unset OPENAI_BASE_URL" in problem
    for local in ("http://localhost:11434/v1", "http://127.0.0.1:8000/v1", "http://192.168.1.20:8080/v1"):
        assert load_settings(env={"PAPERBRIEF_CONFIG": str(cfg), "OPENAI_BASE_URL": local}).key_problem() is None
    with_key = load_settings(env={"PAPERBRIEF_CONFIG": str(cfg), "OPENAI_BASE_URL": "https://api.deepseek.com",
                                  "OPENAI_API_KEY": "sk-abcdefghijklmnop"})
    assert with_key.key_problem() is None


def test_run_stops_before_any_request_without_a_key(replica, monkeypatch, capsys):
    from typer.testing import CliRunner

    from paperbrief.cli import app

    monkeypatch.setenv("HF_ENDPOINT", replica.url)
    monkeypatch.setenv("OPENAI_BASE_URL", "https://api.openai.com/v1")
    result = CliRunner().invoke(app, ["run", "--date", "2026-02-08"])
    assert result.exit_code == 2 and "OPENAI_API_KEY" in result.output
    assert replica.count("/") == 0


def test_endpoints_must_be_http_urls(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("", encoding="utf-8")
    for var, key in (("HF_ENDPOINT", "hf_endpoint"), ("PAPERBRIEF_ARXIV_URL", "arxiv_url"),
                     ("OPENAI_BASE_URL", "openai_base_url")):
        with pytest.raises(ConfigError, match=rf"'{key}'.*{var}.*http:// or https:// URL"):
            load_settings(env={"PAPERBRIEF_CONFIG": str(cfg), var: "huggingface.co"})
    s = load_settings(env={"PAPERBRIEF_CONFIG": str(cfg), "HF_ENDPOINT": "https://hf-mirror.com/"})
    assert s.hf_endpoint == "https://hf-mirror.com"


def test_prices_may_give_a_cached_input_price(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('[prices]\nmy-model = [1.0, 2.0, 0.25]\nold-model = [3.0, 4.0]\n', encoding="utf-8")
    s = load_settings(env={"PAPERBRIEF_CONFIG": str(cfg)})
    assert s.prices["my-model"] == (1.0, 2.0, 0.25) and s.prices["old-model"] == (3.0, 4.0)
    assert s.prices["gpt-4o-mini"] == (0.15, 0.60, 0.075)
    cfg.write_text('[prices]\nmy-model = [1.0, 2.0, 0.25, 9.0]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"prices\.my-model must be \[input, output\] or \[input, output, cached input\]"):
        load_settings(env={"PAPERBRIEF_CONFIG": str(cfg)})
