"""OPML and feeds.yaml on disk: an import spliced into the `feeds:` list with every other byte
kept, the file replaced whole or not at all, and `python -m bot feeds export|import` as a
subprocess with its exit codes (0 done, 1 cannot write, 2 bad input).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import listparser
import pytest

from bot.config import ConfigError, load_config
from bot.feedlist import (
    NewFeed,
    YamlEditError,
    replace_file,
    splice_feeds,
    write_config,
    yaml_sections,
)

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "feeds.yaml"
TOPICS = "topics:\n  - id: t\n    title: T\n    query: treaty\n"


def new(url: str, name: str = "", lang: str | None = None, category: str = "") -> NewFeed:
    return NewFeed(url, name, lang, category)


def opml_file(path: Path, outlines: str) -> Path:
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">'
                    f"<head><title>Mine</title></head><body>{outlines}</body></opml>\n",
                    encoding="utf-8")
    return path


# ---------------------------------------------------------------- splicing


def test_import_into_the_shipped_file_only_inserts_lines() -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    feeds = [new("https://a.example/rss", "A", "ru"), new("https://b.example/rss", "B: wire #1",
                                                           None, "Wire services"),
             new("https://c.example/rss", "", None, "Wire services")]
    merged = splice_feeds(text, feeds, "Imported from mine.opml")
    at = merged.index("  # --- Imported from mine.opml ---\n")
    inserted = ("  # --- Imported from mine.opml ---\n"
                "  - url: https://a.example/rss\n    name: A\n    lang: ru\n"
                "  # --- Wire services ---\n"
                "  - url: https://b.example/rss\n    name: 'B: wire #1'\n"
                "  - url: https://c.example/rss\n")
    assert merged == text[:at] + inserted + text[at:], "every other byte is kept"
    assert text[:at].endswith("interval: 20m          # a second search engine mostly repeats "
                              "the first; poll it less\n")
    sections = yaml_sections(merged)
    assert sections["https://a.example/rss"] == "Imported from mine.opml"
    assert sections["https://c.example/rss"] == "Wire services"
    assert sections["https://tass.com/rss/v2.xml"] == "News agencies"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("feeds:\n  - {url: 'https://x.example/', name: X}\n" + TOPICS,
         "feeds:\n  - {url: 'https://x.example/', name: X}\n  # --- New ---\n"
         "  - url: https://n.example/rss\n    name: N\n" + TOPICS),
        ("feeds:\n- url: https://x.example/\n  name: X\n\n# the topics\n" + TOPICS,
         "feeds:\n- url: https://x.example/\n  name: X\n# --- New ---\n"
         "- url: https://n.example/rss\n  name: N\n\n# the topics\n" + TOPICS),
        ("feeds:\n  - url: https://x.example/\n    name: X\n    # lang: en\n  # --- Spare ---\n"
         + TOPICS,
         "feeds:\n  - url: https://x.example/\n    name: X\n    # lang: en\n  # --- New ---\n"
         "  - url: https://n.example/rss\n    name: N\n  # --- Spare ---\n" + TOPICS),
        ("feeds:\n  # --- New ---\n  - url: https://x.example/\n",
         "feeds:\n  # --- New ---\n  - url: https://x.example/\n"
         + "  - url: https://n.example/rss\n    name: N\n"),
        (TOPICS + "feeds:\n  -   url: https://x.example/\n      name: X",
         TOPICS + "feeds:\n  -   url: https://x.example/\n      name: X\n  # --- New ---\n"
         "  -   url: https://n.example/rss\n      name: N\n"),
        ("feeds:\r\n  - url: https://x.example/\r\n" + TOPICS.replace("\n", "\r\n"),
         "feeds:\r\n  - url: https://x.example/\r\n  # --- New ---\r\n"
         "  - url: https://n.example/rss\r\n    name: N\r\n" + TOPICS.replace("\n", "\r\n")),
        ("feeds:\n  - url: https://x.example/\n    name: |\n      X\n\n      Y\n\n" + TOPICS,
         "feeds:\n  - url: https://x.example/\n    name: |\n      X\n\n      Y\n  # --- New ---\n"
         "  - url: https://n.example/rss\n    name: N\n\n" + TOPICS),
    ],
    ids=["flow-mapping-items", "dash-at-column-0-then-comment", "indented-comment-stays-with-item",
         "same-section-not-repeated", "no-final-newline-and-wide-indent", "crlf",
         "block-scalar-with-blank-lines"],
)
def test_new_items_follow_the_last_feed_in_its_style(before: str, after: str) -> None:
    assert splice_feeds(before, [new("https://n.example/rss", "N")], "New") == after


@pytest.mark.parametrize(
    "name",
    ["yes", "No", "on", "null", "~", "12:30", "1e3", "0x1F", "2024-12-06", "'quoted'",
     '"dq"', "a: b", "#hash", "@set", "- dash", "[x]", "{y}", "*star", "&amp", "!tag",
     "% pct", "x # y", "Новости: главное", "emoji 🇧🇾", "trailing space "],
    ids=lambda n: repr(n),
)
def test_any_name_reads_back_as_written(tmp_path: Path, name: str) -> None:
    path = tmp_path / "feeds.yaml"
    merged = splice_feeds("feeds:\n  - url: https://x.example/\n",
                          [new("https://n.example/rss", name)], "New")
    path.write_text(merged, encoding="utf-8")
    assert load_config(path).feeds[1].name == name


def test_a_flow_feeds_list_or_none_is_not_edited() -> None:
    with pytest.raises(YamlEditError, match="block list"):
        splice_feeds("feeds: [{url: 'https://x.example/'}]\n", [new("https://n.example/")], "N")
    with pytest.raises(YamlEditError, match="no `feeds:` list"):
        splice_feeds("interval: 10m\n", [new("https://n.example/")], "N")


# ---------------------------------------------------------------- writing whole or not at all


def files_in(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_an_invalid_merge_leaves_the_file_and_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text("feeds:\n  - url: https://x.example/\n", encoding="utf-8")
    merged = splice_feeds(path.read_text(), [new("https://n.example/")], "N")

    def refuse(_config: object) -> list[tuple[tuple[str | int, ...], str]]:
        return [(("feeds", 1, "url"), "refused by a check")]

    with pytest.raises(ConfigError) as caught:
        write_config(path, merged, added=[new("https://n.example/")], checks=[refuse])
    assert str(caught.value) == f"{path}:4: feeds[1].url: refused by a check"
    assert path.read_text() == "feeds:\n  - url: https://x.example/\n"
    assert files_in(tmp_path) == ["feeds.yaml"]


def test_a_feed_that_does_not_read_back_as_meant_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text("feeds:\n  - url: https://x.example/\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="does not read back"):
        write_config(path, path.read_text(), added=[new("https://n.example/")])
    assert files_in(tmp_path) == ["feeds.yaml"]


def test_replacing_keeps_permissions_and_follows_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real.yaml"
    real.write_text("old", encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "feeds.yaml"
    link.symlink_to(real)
    replace_file(link, b"new")
    assert link.is_symlink() and real.read_text() == "new"
    assert real.stat().st_mode & 0o777 == 0o640
    assert files_in(tmp_path) == ["feeds.yaml", "real.yaml"]


# ---------------------------------------------------------------- the command line


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "BOT_CONFIG"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "feeds.yaml").write_text(
        "# my feeds\nfeeds:\n  # --- Agencies ---\n  - url: https://x.example/rss  # the wire\n"
        "    name: X\n\n# topics follow\n" + TOPICS, encoding="utf-8")
    opml_file(tmp_path / "mine.opml",
              '<outline text="News"><outline text="A" xmlUrl="https://a.example/rss" '
              'language="ru"/></outline><outline text="X again" xmlUrl="HTTPS://X.example/rss/"/>'
              '<outline text="JS" xmlUrl="javascript:alert(1)"/>')
    return tmp_path


def test_export_writes_opml_to_stdout_that_listparser_reads(workdir: Path) -> None:
    done = run_cli("feeds", "export", cwd=workdir)
    assert done.returncode == 0, done.stderr
    parsed = listparser.parse(done.stdout.encode())
    assert [(f.url, f.title, f.categories) for f in parsed.feeds] == [
        ("https://x.example/rss", "X", [["Agencies"]])]


def test_import_merges_reports_and_keeps_comments(workdir: Path) -> None:
    before = (workdir / "feeds.yaml").read_text()
    done = run_cli("feeds", "import", "mine.opml", cwd=workdir)
    assert done.returncode == 0, done.stderr
    assert "mine.opml: 3 outlines: 1 to add, 2 skipped" in done.stdout
    assert "added    A  https://a.example/rss  (ru, News)" in done.stdout
    assert "HTTPS://X.example/rss/  already configured as 'X'" in done.stdout
    assert "javascript:alert(1)  not an http(s) URL (javascript:)" in done.stdout
    after = (workdir / "feeds.yaml").read_text()
    assert after == before.replace(
        "    name: X\n", "    name: X\n  # --- News ---\n  - url: https://a.example/rss\n"
        "    name: A\n    lang: ru\n")
    again = run_cli("feeds", "import", "mine.opml", cwd=workdir)
    assert again.returncode == 0 and "nothing to add, not changed" in again.stdout
    assert (workdir / "feeds.yaml").read_text() == after


def test_export_then_import_elsewhere_round_trips(workdir: Path, tmp_path: Path) -> None:
    assert run_cli("feeds", "export", "--output", "out.opml", cwd=workdir).returncode == 0
    other = tmp_path / "other.yaml"
    other.write_text("feeds:\n  - url: https://z.example/\n", encoding="utf-8")
    done = run_cli("feeds", "import", "out.opml", "--into", str(other), cwd=workdir)
    assert done.returncode == 0, done.stderr
    config = load_config(other)
    assert [(f.url, f.name) for f in config.feeds] == [("https://z.example/", "z.example"),
                                                        ("https://x.example/rss", "X")]
    assert yaml_sections(other.read_text())["https://x.example/rss"] == "Agencies"


Check = Callable[[Path], None]


def unchanged(workdir: Path) -> Check:
    before = files_in(workdir), (workdir / "feeds.yaml").read_bytes()

    def check(_: Path) -> None:
        assert (files_in(workdir), (workdir / "feeds.yaml").read_bytes()) == before

    return check


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["feeds", "import", "mine.opml", "--dry-run"], 0, "dry run: feeds.yaml was not changed"),
        (["feeds", "import", "missing.opml"], 2, "missing.opml: No such file or directory"),
        (["feeds", "import", "bomb.opml"], 2, "declares a DOCTYPE"),
        (["feeds", "import", "mine.opml", "--into", "nope.yaml"], 2, "config file not found"),
        (["feeds", "import", "mine.opml", "--into", "flow.yaml"], 2, "block list"),
        (["feeds", "import", "mine.opml", "--into", "x.yaml", "--output", "y.yaml"], 2,
         "not allowed with argument"),
        (["feeds", "import", "mine.opml", "--output", "no/such/dir/new.yaml"], 1, "cannot write"),
        (["feeds", "export", "--config", "broken.yaml"], 2, "broken.yaml:1"),
    ],
    ids=["dry-run", "missing-file", "hostile-file", "missing-config", "flow-style-config",
         "into-and-output", "unwritable-output", "invalid-config"],
)
def test_exit_codes_and_nothing_changed(workdir: Path, args: list[str], code: int,
                                        says: str) -> None:
    (workdir / "bomb.opml").write_bytes(
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaa">]><opml/>')
    (workdir / "flow.yaml").write_text("feeds: [{url: 'https://x.example/'}]\n")
    (workdir / "broken.yaml").write_text("feeds: 3\n")
    check = unchanged(workdir)
    done = run_cli(*args, cwd=workdir)
    assert done.returncode == code, done.stdout + done.stderr
    assert says in done.stdout + done.stderr
    check(workdir)


def test_import_to_a_new_file_leaves_the_config_alone(workdir: Path) -> None:
    check = unchanged(workdir)
    done = run_cli("feeds", "import", "mine.opml", "--output", "merged.yaml", cwd=workdir)
    assert done.returncode == 0, done.stderr
    assert "merged.yaml: 1 feed added" in done.stdout
    (workdir / "merged.yaml").unlink()
    check(workdir)
