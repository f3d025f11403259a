"""The data every stage shares, as plain frozen values (no I/O): news entries and what a
match found (`news`), and the records the store keeps and hands out (`records`).

Offers `Entry`, `MatchResult`, `WatchHit`, `Status`, the store's records (`FeedState`,
`NewEntry`, `NewAlert`, `Subscriber`, `OutboxItem`, `NoticeItem`, `ChatFeed`, ...) and `UiLang`.
"""

from bot.model.news import (
    STATUS_ORDER,
    SUMMARY_MAX,
    TITLE_MAX,
    Entry,
    MatchResult,
    Status,
    WatchHit,
)
from bot.model.records import (
    ChatFeed,
    ClusterRow,
    CommitResult,
    EventOverride,
    FeedState,
    NewAlert,
    NewEntry,
    NewNotice,
    NoticeAttachment,
    NoticeItem,
    NoticeRecord,
    NoticeState,
    OutboxItem,
    OutboxState,
    StoredEntry,
    StoreStats,
    Subscriber,
    SubscriberKind,
    TimelineRow,
    TopicStatusRow,
    UiLang,
    Watch,
)
from bot.model.routing import ChatControls

__all__ = [
    "STATUS_ORDER",
    "SUMMARY_MAX",
    "TITLE_MAX",
    "ChatControls",
    "ChatFeed",
    "ClusterRow",
    "CommitResult",
    "Entry",
    "EventOverride",
    "FeedState",
    "MatchResult",
    "NewAlert",
    "NewEntry",
    "NewNotice",
    "NoticeAttachment",
    "NoticeItem",
    "NoticeRecord",
    "NoticeState",
    "OutboxItem",
    "OutboxState",
    "Status",
    "StoreStats",
    "StoredEntry",
    "Subscriber",
    "SubscriberKind",
    "TimelineRow",
    "TopicStatusRow",
    "UiLang",
    "Watch",
    "WatchHit",
]
