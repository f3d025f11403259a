"""Feed lists in OPML: the configured feeds exported as OPML 2.0, an OPML file read safely,
the plan of what importing it adds, and the merge into feeds.yaml or the chat's feeds.

Offers `export_opml`, `read_opml` (`OpmlList`, `OpmlError`), `plan_import` (`Outline`,
`NewFeed`, `Skip`, `ImportPlan`), `feed_key`, `with_chat_feeds`, `yaml_sections`,
`splice_feeds` (`YamlEditError`), `write_config` and `replace_file`.
"""

from bot.feedlist.files import replace_file, write_config
from bot.feedlist.opml_read import MAX_BYTES, MAX_OUTLINES, OpmlError, OpmlList, read_opml
from bot.feedlist.opml_write import export_opml
from bot.feedlist.plan import (
    MAX_NEW_FEEDS,
    ImportPlan,
    NewFeed,
    Outline,
    Skip,
    feed_key,
    plan_import,
    with_chat_feeds,
)
from bot.feedlist.yaml_edit import YamlEditError, splice_feeds, yaml_sections

__all__ = [
    "MAX_BYTES",
    "MAX_NEW_FEEDS",
    "MAX_OUTLINES",
    "ImportPlan",
    "NewFeed",
    "OpmlError",
    "OpmlList",
    "Outline",
    "Skip",
    "YamlEditError",
    "export_opml",
    "feed_key",
    "plan_import",
    "read_opml",
    "replace_file",
    "splice_feeds",
    "with_chat_feeds",
    "write_config",
    "yaml_sections",
]
