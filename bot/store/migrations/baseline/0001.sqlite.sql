-- Revision 0001 (baseline) on SQLite: the schema of the hand-written migrations' version 2,
-- as the shipped bot created it. Frozen: later changes are later revisions.

CREATE TABLE feeds (
	url TEXT NOT NULL, 
	etag TEXT, 
	last_modified TEXT, 
	next_poll_at DATETIME, 
	last_polled_at DATETIME, 
	last_ok_at DATETIME, 
	failures INTEGER DEFAULT 0 NOT NULL, 
	last_error TEXT, 
	last_status TEXT, 
	primed BOOLEAN DEFAULT 0 NOT NULL, 
	entries_total INTEGER DEFAULT 0 NOT NULL, 
	PRIMARY KEY (url)
);

CREATE INDEX ix_feeds_next_poll_at ON feeds (next_poll_at);

CREATE TABLE entries (
	id INTEGER NOT NULL, 
	"key" TEXT NOT NULL, 
	feed_url TEXT NOT NULL, 
	feed TEXT NOT NULL, 
	title TEXT NOT NULL, 
	link TEXT, 
	summary TEXT DEFAULT '' NOT NULL, 
	published DATETIME, 
	guid TEXT, 
	lang TEXT, 
	seen_at DATETIME NOT NULL, 
	status TEXT, 
	topics TEXT DEFAULT '[]' NOT NULL, cluster_id INTEGER, 
	PRIMARY KEY (id), 
	UNIQUE ("key")
);

CREATE INDEX ix_entries_feed_url ON entries (feed_url);

CREATE INDEX ix_entries_seen_at ON entries (seen_at);

CREATE TABLE entry_keys (
	"key" TEXT NOT NULL, 
	entry_id INTEGER NOT NULL, 
	PRIMARY KEY ("key"), 
	FOREIGN KEY(entry_id) REFERENCES entries (id) ON DELETE CASCADE
);

CREATE INDEX ix_entry_keys_entry_id ON entry_keys (entry_id);

CREATE TABLE subscribers (
	id INTEGER NOT NULL, 
	chat_id BIGINT NOT NULL, 
	thread_id BIGINT DEFAULT 0 NOT NULL, 
	kind TEXT NOT NULL, 
	lang TEXT DEFAULT 'en' NOT NULL, 
	active BOOLEAN DEFAULT 1 NOT NULL, 
	muted_until DATETIME, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	title TEXT, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_subscribers_chat_thread UNIQUE (chat_id, thread_id)
);

CREATE TABLE watches (
	id INTEGER NOT NULL, 
	subscriber_id INTEGER NOT NULL, 
	"query" TEXT NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_watches_subscriber_query UNIQUE (subscriber_id, "query"), 
	FOREIGN KEY(subscriber_id) REFERENCES subscribers (id) ON DELETE CASCADE
);

CREATE TABLE topic_follows (
	subscriber_id INTEGER NOT NULL, 
	topic_id TEXT NOT NULL, 
	following BOOLEAN NOT NULL, 
	updated_at DATETIME NOT NULL, 
	CONSTRAINT pk_topic_follows PRIMARY KEY (subscriber_id, topic_id), 
	FOREIGN KEY(subscriber_id) REFERENCES subscribers (id) ON DELETE CASCADE
);

CREATE TABLE outbox (
	id INTEGER NOT NULL, 
	subscriber_id INTEGER NOT NULL, 
	entry_id INTEGER NOT NULL, 
	why TEXT DEFAULT '{}' NOT NULL, 
	created_at DATETIME NOT NULL, 
	state TEXT DEFAULT 'pending' NOT NULL, 
	attempts INTEGER DEFAULT 0 NOT NULL, 
	next_attempt_at DATETIME NOT NULL, 
	sent_at DATETIME, 
	message_id BIGINT, 
	last_error TEXT, cluster_id INTEGER, revision INTEGER DEFAULT 0 NOT NULL, claimed_revision INTEGER, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_outbox_subscriber_entry UNIQUE (subscriber_id, entry_id), 
	FOREIGN KEY(subscriber_id) REFERENCES subscribers (id) ON DELETE CASCADE, 
	FOREIGN KEY(entry_id) REFERENCES entries (id)
);

CREATE INDEX ix_outbox_state_next ON outbox (state, next_attempt_at);

CREATE INDEX ix_outbox_entry_id ON outbox (entry_id);

CREATE TABLE meta (
	"key" TEXT NOT NULL, 
	value TEXT NOT NULL, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY ("key")
);

CREATE INDEX ix_entries_cluster_id ON entries (cluster_id);

CREATE INDEX ix_outbox_subscriber_cluster ON outbox (subscriber_id, cluster_id);

CREATE TABLE notices (
	id INTEGER NOT NULL, 
	subscriber_id INTEGER NOT NULL, 
	"key" TEXT NOT NULL, 
	kind TEXT NOT NULL, 
	payload TEXT DEFAULT '{}' NOT NULL, 
	created_at DATETIME NOT NULL, 
	state TEXT DEFAULT 'pending' NOT NULL, 
	attempts INTEGER DEFAULT 0 NOT NULL, 
	next_attempt_at DATETIME NOT NULL, 
	sent_at DATETIME, 
	message_id BIGINT, 
	last_error TEXT, 
	revision INTEGER DEFAULT 0 NOT NULL, 
	claimed_revision INTEGER, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_notices_subscriber_key UNIQUE (subscriber_id, "key"), 
	FOREIGN KEY(subscriber_id) REFERENCES subscribers (id) ON DELETE CASCADE
);

CREATE INDEX ix_notices_state_next ON notices (state, next_attempt_at);

CREATE INDEX ix_notices_key ON notices ("key");

CREATE TABLE topic_status (
	topic_id TEXT NOT NULL, 
	status TEXT, 
	since DATETIME, 
	sources TEXT DEFAULT '[]' NOT NULL, 
	confirmed BOOLEAN DEFAULT 0 NOT NULL, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (topic_id)
);

CREATE TABLE topic_timeline (
	id INTEGER NOT NULL, 
	topic_id TEXT NOT NULL, 
	status TEXT NOT NULL, 
	at DATETIME NOT NULL, 
	source TEXT NOT NULL, 
	entry_id INTEGER, 
	title TEXT DEFAULT '' NOT NULL, 
	link TEXT, 
	PRIMARY KEY (id), 
	FOREIGN KEY(entry_id) REFERENCES entries (id) ON DELETE SET NULL
);

CREATE INDEX ix_topic_timeline_topic_at ON topic_timeline (topic_id, at);

CREATE TABLE event_overrides (
	event_id TEXT NOT NULL, 
	title TEXT, 
	date TEXT, 
	timezone TEXT, 
	location TEXT, 
	topics TEXT, 
	updated_at DATETIME NOT NULL, 
	updated_by BIGINT, 
	PRIMARY KEY (event_id)
);
