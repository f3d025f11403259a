"""BOT_METRICS_ADDR and the webhook variables: parsed and bounded, every bad value refused
with a clear one-line error naming the variable (exit 2, like any config error).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.config import ConfigError, ListenAddr, parse_listen_addr, settings_from_env
from bot.config.network import check_webhook_url

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:SECRET-token"
LOCAL_API = "http://127.0.0.1:8081"


@pytest.mark.parametrize(("text", "host", "port"), [
    ("127.0.0.1:9108", "127.0.0.1", 9108),
    (":9108", "", 9108),
    ("[::1]:9108", "::1", 9108),
    ("metrics.internal:80", "metrics.internal", 80),
    (" localhost:65535 ", "localhost", 65535),
], ids=["ipv4", "every-interface", "ipv6", "hostname", "spaces-and-top-port"])
def test_listen_addresses_parse(text: str, host: str, port: int) -> None:
    assert parse_listen_addr(text) == ListenAddr(host=host, port=port)


@pytest.mark.parametrize(("text", "says"), [
    ("9108", "has no port"),
    ("127.0.0.1:", "is not a port"),
    ("127.0.0.1:0", "1 to 65535"),
    ("127.0.0.1:65536", "1 to 65535"),
    ("127.0.0.1:-1", "is not a port"),
    ("::1:9108", "in brackets"),
    ("[::1:9108", "is not an address"),
    ("[localhost]:9108", "is not an address"),
    ("bad host:9108", "not a host name"),
    ("-bad-.example:9108", "not a host name"),
    ("x" * 400 + ":1", "too long"),
], ids=["port-only", "empty-port", "port-zero", "port-too-big", "negative-port",
        "bare-ipv6", "unclosed-bracket", "name-in-brackets", "space-in-host", "bad-label",
        "too-long"])
def test_bad_listen_addresses_say_why(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_listen_addr(text)


@given(st.text(max_size=400))
def test_any_text_parses_or_fails_with_a_short_value_error(text: str) -> None:
    try:
        addr = parse_listen_addr(text)
    except ValueError as err:
        assert "\n" not in str(err) and len(str(err)) < 4000  # one line naming the value
        return
    assert 1 <= addr.port <= 65535
    assert parse_listen_addr(str(addr)) == ListenAddr(host=addr.host or "0.0.0.0", port=addr.port)


_hosts = st.one_of(
    st.ip_addresses(v=4).map(str),
    st.ip_addresses(v=6).map(lambda ip: f"[{ip}]"),
    st.from_regex(r"[a-z][a-z0-9-]{0,20}[a-z0-9](\.[a-z][a-z0-9]{0,10}){0,3}", fullmatch=True),
    st.just(""),
)


@given(_hosts, st.integers(1, 65535))
def test_every_well_formed_address_round_trips(host: str, port: int) -> None:
    addr = parse_listen_addr(f"{host}:{port}")
    assert addr.port == port and addr.host == host.strip("[]")


@given(st.text(max_size=300))
def test_webhook_urls_never_echo_the_token(tail: str) -> None:
    url = f"https://bot.example/{tail}{TOKEN}"
    with pytest.raises(ValueError) as err:
        check_webhook_url(url, api_url="https://api.telegram.org", token=TOKEN)
    assert TOKEN not in str(err.value)


@pytest.mark.parametrize(("env", "url_path", "listen", "secret"), [
    ({"TELEGRAM_WEBHOOK_URL": "https://bot.example/tg"}, "/tg", "0.0.0.0:8443", None),
    ({"TELEGRAM_WEBHOOK_URL": "https://bot.example", "TELEGRAM_WEBHOOK_LISTEN": ":8080",
      "TELEGRAM_WEBHOOK_SECRET": "s3cr3t_-"}, "/", "0.0.0.0:8080", "s3cr3t_-"),
    ({"TELEGRAM_WEBHOOK_URL": "http://bot:8443/hook/", "TELEGRAM_API_URL": LOCAL_API},
     "/hook", "0.0.0.0:8443", None),
], ids=["defaults", "root-path-listen-and-secret", "http-with-a-local-bot-api-server"])
def test_webhook_settings(env: dict[str, str], url_path: str, listen: str,
                          secret: str | None) -> None:
    hook = settings_from_env({"TELEGRAM_BOT_TOKEN": TOKEN, **env}).webhook
    assert hook is not None
    assert (hook.url_path, str(hook.listen), hook.secret) == (url_path, listen, secret)


@pytest.mark.parametrize(("env", "says"), [
    ({"TELEGRAM_WEBHOOK_URL": "http://bot.example/tg"}, "https URL"),
    ({"TELEGRAM_WEBHOOK_URL": f"https://bot.example/{TOKEN}"}, "must not contain the bot token"),
    ({"TELEGRAM_WEBHOOK_URL": "https://bot.example/a.b"}, "use a path of"),
    ({"TELEGRAM_WEBHOOK_URL": "https://u:p@bot.example/tg"}, "user:password"),
    ({"TELEGRAM_WEBHOOK_SECRET": "has space"}, "TELEGRAM_WEBHOOK_SECRET: use 1 to 256"),
    ({"TELEGRAM_WEBHOOK_SECRET": "x" * 257}, "TELEGRAM_WEBHOOK_SECRET"),
    ({"TELEGRAM_WEBHOOK_LISTEN": "8443"}, "TELEGRAM_WEBHOOK_LISTEN: '8443' has no port"),
    ({"BOT_METRICS_ADDR": "localhost"}, "BOT_METRICS_ADDR: 'localhost' has no port"),
], ids=["http-to-telegram", "token-in-url", "regex-path", "credentials", "secret-alphabet",
        "secret-too-long", "listen-without-port", "metrics-without-port"])
def test_bad_settings_are_refused(env: dict[str, str], says: str) -> None:
    with pytest.raises(ConfigError, match=says) as err:
        settings_from_env({"TELEGRAM_BOT_TOKEN": TOKEN, **env})
    assert TOKEN not in str(err.value)


def test_no_webhook_and_no_metrics_by_default() -> None:
    settings = settings_from_env({"TELEGRAM_BOT_TOKEN": TOKEN})
    assert settings.webhook is None and settings.metrics_addr is None


def test_a_bad_metrics_address_stops_the_start_with_exit_2(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text("interval: 2s\nfeeds:\n  - {url: 'http://127.0.0.1:9/x', name: X}\n",
                      encoding="utf-8")
    env = {**os.environ, "BOT_METRICS_ADDR": "127.0.0.1:99999",
           "BOT_DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}"}
    done = subprocess.run([sys.executable, "-m", "bot", "run", "--config", str(config)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 2
    assert "BOT_METRICS_ADDR: '99999' is not a port" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_taken_metrics_port_stops_the_start_with_exit_1(tmp_path: Path,
                                                         taken_port: int) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text("interval: 2s\nfeeds:\n  - {url: 'http://127.0.0.1:9/x', name: X}\n",
                      encoding="utf-8")
    port = taken_port
    env = {**os.environ, "BOT_METRICS_ADDR": f"127.0.0.1:{port}",
           "BOT_DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}"}
    done = subprocess.run([sys.executable, "-m", "bot", "run", "--config", str(config)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 1
    assert f"cannot serve metrics on BOT_METRICS_ADDR 127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr
