-- Revision 0001 (baseline) on PostgreSQL: the schema of the hand-written migrations' version 2,
-- as the shipped bot created it. Frozen: later changes are later revisions.

CREATE TABLE entries (
    id integer NOT NULL,
    key text NOT NULL,
    feed_url text NOT NULL,
    feed text NOT NULL,
    title text NOT NULL,
    link text,
    summary text DEFAULT ''::text NOT NULL,
    published timestamp with time zone,
    guid text,
    lang text,
    seen_at timestamp with time zone NOT NULL,
    status text,
    topics text DEFAULT '[]'::text NOT NULL,
    cluster_id integer
);

CREATE SEQUENCE entries_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE entries_id_seq OWNED BY entries.id;

CREATE TABLE entry_keys (
    key text NOT NULL,
    entry_id integer NOT NULL
);

CREATE TABLE event_overrides (
    event_id text NOT NULL,
    title text,
    date text,
    timezone text,
    location text,
    topics text,
    updated_at timestamp with time zone NOT NULL,
    updated_by bigint
);

CREATE TABLE feeds (
    url text NOT NULL,
    etag text,
    last_modified text,
    next_poll_at timestamp with time zone,
    last_polled_at timestamp with time zone,
    last_ok_at timestamp with time zone,
    failures integer DEFAULT 0 NOT NULL,
    last_error text,
    last_status text,
    primed boolean DEFAULT false NOT NULL,
    entries_total integer DEFAULT 0 NOT NULL
);

CREATE TABLE meta (
    key text NOT NULL,
    value text NOT NULL,
    updated_at timestamp with time zone NOT NULL
);

CREATE TABLE notices (
    id integer NOT NULL,
    subscriber_id integer NOT NULL,
    key text NOT NULL,
    kind text NOT NULL,
    payload text DEFAULT '{}'::text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    state text DEFAULT 'pending'::text NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    next_attempt_at timestamp with time zone NOT NULL,
    sent_at timestamp with time zone,
    message_id bigint,
    last_error text,
    revision integer DEFAULT 0 NOT NULL,
    claimed_revision integer
);

CREATE SEQUENCE notices_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE notices_id_seq OWNED BY notices.id;

CREATE TABLE outbox (
    id integer NOT NULL,
    subscriber_id integer NOT NULL,
    entry_id integer NOT NULL,
    why text DEFAULT '{}'::text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    state text DEFAULT 'pending'::text NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    next_attempt_at timestamp with time zone NOT NULL,
    sent_at timestamp with time zone,
    message_id bigint,
    last_error text,
    cluster_id integer,
    revision integer DEFAULT 0 NOT NULL,
    claimed_revision integer
);

CREATE SEQUENCE outbox_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE outbox_id_seq OWNED BY outbox.id;

CREATE TABLE subscribers (
    id integer NOT NULL,
    chat_id bigint NOT NULL,
    thread_id bigint DEFAULT 0 NOT NULL,
    kind text NOT NULL,
    lang text DEFAULT 'en'::text NOT NULL,
    active boolean DEFAULT true NOT NULL,
    muted_until timestamp with time zone,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    title text
);

CREATE SEQUENCE subscribers_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE subscribers_id_seq OWNED BY subscribers.id;

CREATE TABLE topic_follows (
    subscriber_id integer NOT NULL,
    topic_id text NOT NULL,
    following boolean NOT NULL,
    updated_at timestamp with time zone NOT NULL
);

CREATE TABLE topic_status (
    topic_id text NOT NULL,
    status text,
    since timestamp with time zone,
    sources text DEFAULT '[]'::text NOT NULL,
    confirmed boolean DEFAULT false NOT NULL,
    updated_at timestamp with time zone NOT NULL
);

CREATE TABLE topic_timeline (
    id integer NOT NULL,
    topic_id text NOT NULL,
    status text NOT NULL,
    at timestamp with time zone NOT NULL,
    source text NOT NULL,
    entry_id integer,
    title text DEFAULT ''::text NOT NULL,
    link text
);

CREATE SEQUENCE topic_timeline_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE topic_timeline_id_seq OWNED BY topic_timeline.id;

CREATE TABLE watches (
    id integer NOT NULL,
    subscriber_id integer NOT NULL,
    query text NOT NULL,
    created_at timestamp with time zone NOT NULL
);

CREATE SEQUENCE watches_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE watches_id_seq OWNED BY watches.id;

ALTER TABLE ONLY entries ALTER COLUMN id SET DEFAULT nextval('entries_id_seq'::regclass);

ALTER TABLE ONLY notices ALTER COLUMN id SET DEFAULT nextval('notices_id_seq'::regclass);

ALTER TABLE ONLY outbox ALTER COLUMN id SET DEFAULT nextval('outbox_id_seq'::regclass);

ALTER TABLE ONLY subscribers ALTER COLUMN id SET DEFAULT nextval('subscribers_id_seq'::regclass);

ALTER TABLE ONLY topic_timeline ALTER COLUMN id SET DEFAULT nextval('topic_timeline_id_seq'::regclass);

ALTER TABLE ONLY watches ALTER COLUMN id SET DEFAULT nextval('watches_id_seq'::regclass);

SELECT pg_catalog.setval('entries_id_seq', 1, false);

SELECT pg_catalog.setval('notices_id_seq', 1, false);

SELECT pg_catalog.setval('outbox_id_seq', 1, false);

SELECT pg_catalog.setval('subscribers_id_seq', 1, false);

SELECT pg_catalog.setval('topic_timeline_id_seq', 1, false);

SELECT pg_catalog.setval('watches_id_seq', 1, false);

ALTER TABLE ONLY entries
    ADD CONSTRAINT entries_key_key UNIQUE (key);

ALTER TABLE ONLY entries
    ADD CONSTRAINT entries_pkey PRIMARY KEY (id);

ALTER TABLE ONLY entry_keys
    ADD CONSTRAINT entry_keys_pkey PRIMARY KEY (key);

ALTER TABLE ONLY event_overrides
    ADD CONSTRAINT event_overrides_pkey PRIMARY KEY (event_id);

ALTER TABLE ONLY feeds
    ADD CONSTRAINT feeds_pkey PRIMARY KEY (url);

ALTER TABLE ONLY meta
    ADD CONSTRAINT meta_pkey PRIMARY KEY (key);

ALTER TABLE ONLY notices
    ADD CONSTRAINT notices_pkey PRIMARY KEY (id);

ALTER TABLE ONLY outbox
    ADD CONSTRAINT outbox_pkey PRIMARY KEY (id);

ALTER TABLE ONLY topic_follows
    ADD CONSTRAINT pk_topic_follows PRIMARY KEY (subscriber_id, topic_id);

ALTER TABLE ONLY subscribers
    ADD CONSTRAINT subscribers_pkey PRIMARY KEY (id);

ALTER TABLE ONLY topic_status
    ADD CONSTRAINT topic_status_pkey PRIMARY KEY (topic_id);

ALTER TABLE ONLY topic_timeline
    ADD CONSTRAINT topic_timeline_pkey PRIMARY KEY (id);

ALTER TABLE ONLY notices
    ADD CONSTRAINT uq_notices_subscriber_key UNIQUE (subscriber_id, key);

ALTER TABLE ONLY outbox
    ADD CONSTRAINT uq_outbox_subscriber_entry UNIQUE (subscriber_id, entry_id);

ALTER TABLE ONLY subscribers
    ADD CONSTRAINT uq_subscribers_chat_thread UNIQUE (chat_id, thread_id);

ALTER TABLE ONLY watches
    ADD CONSTRAINT uq_watches_subscriber_query UNIQUE (subscriber_id, query);

ALTER TABLE ONLY watches
    ADD CONSTRAINT watches_pkey PRIMARY KEY (id);

CREATE INDEX ix_entries_cluster_id ON entries USING btree (cluster_id);

CREATE INDEX ix_entries_feed_url ON entries USING btree (feed_url);

CREATE INDEX ix_entries_seen_at ON entries USING btree (seen_at);

CREATE INDEX ix_entry_keys_entry_id ON entry_keys USING btree (entry_id);

CREATE INDEX ix_feeds_next_poll_at ON feeds USING btree (next_poll_at);

CREATE INDEX ix_notices_key ON notices USING btree (key);

CREATE INDEX ix_notices_state_next ON notices USING btree (state, next_attempt_at);

CREATE INDEX ix_outbox_entry_id ON outbox USING btree (entry_id);

CREATE INDEX ix_outbox_state_next ON outbox USING btree (state, next_attempt_at);

CREATE INDEX ix_outbox_subscriber_cluster ON outbox USING btree (subscriber_id, cluster_id);

CREATE INDEX ix_topic_timeline_topic_at ON topic_timeline USING btree (topic_id, at);

ALTER TABLE ONLY entry_keys
    ADD CONSTRAINT entry_keys_entry_id_fkey FOREIGN KEY (entry_id) REFERENCES entries(id) ON DELETE CASCADE;

ALTER TABLE ONLY notices
    ADD CONSTRAINT notices_subscriber_id_fkey FOREIGN KEY (subscriber_id) REFERENCES subscribers(id) ON DELETE CASCADE;

ALTER TABLE ONLY outbox
    ADD CONSTRAINT outbox_entry_id_fkey FOREIGN KEY (entry_id) REFERENCES entries(id);

ALTER TABLE ONLY outbox
    ADD CONSTRAINT outbox_subscriber_id_fkey FOREIGN KEY (subscriber_id) REFERENCES subscribers(id) ON DELETE CASCADE;

ALTER TABLE ONLY topic_follows
    ADD CONSTRAINT topic_follows_subscriber_id_fkey FOREIGN KEY (subscriber_id) REFERENCES subscribers(id) ON DELETE CASCADE;

ALTER TABLE ONLY topic_timeline
    ADD CONSTRAINT topic_timeline_entry_id_fkey FOREIGN KEY (entry_id) REFERENCES entries(id) ON DELETE SET NULL;

ALTER TABLE ONLY watches
    ADD CONSTRAINT watches_subscriber_id_fkey FOREIGN KEY (subscriber_id) REFERENCES subscribers(id) ON DELETE CASCADE;;
