/**
 * Numbered schema migrations: entry i brings the database from `PRAGMA user_version` i to i + 1.
 * Append only; never edit a migration that has shipped.
 */
export const migrations: readonly string[] = [
  // 1: projects, sessions and what ingest derives from each chunk.
  `
  CREATE TABLE projects (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  INSERT INTO projects (key, name, created_at)
    VALUES ('demo', 'Demo store', CAST(unixepoch('subsec') * 1000 AS INTEGER));

  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    started_at INTEGER NOT NULL,
    ended_at INTEGER NOT NULL,
    active_ms INTEGER NOT NULL DEFAULT 0,
    -- Last user-input time seen, so the gap to the next chunk's first input counts as active time.
    last_input_ts INTEGER,
    entry_url TEXT NOT NULL DEFAULT '',
    -- Time of the event the entry URL came from, so a late-arriving earlier chunk can replace it.
    entry_ts INTEGER,
    page_count INTEGER NOT NULL DEFAULT 0,
    click_count INTEGER NOT NULL DEFAULT 0,
    error_count INTEGER NOT NULL DEFAULT 0,
    event_count INTEGER NOT NULL DEFAULT 0,
    device TEXT NOT NULL DEFAULT 'desktop',
    browser TEXT NOT NULL DEFAULT 'Other',
    os TEXT NOT NULL DEFAULT 'Other',
    viewport_width INTEGER NOT NULL DEFAULT 0,
    viewport_height INTEGER NOT NULL DEFAULT 0,
    user_id TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX sessions_started_at ON sessions (started_at DESC);
  CREATE INDEX sessions_project_started_at ON sessions (project_id, started_at DESC);
  CREATE INDEX sessions_user_id ON sessions (user_id) WHERE user_id IS NOT NULL;

  -- Window ids in the order first seen (rowid order).
  CREATE TABLE session_windows (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    window_id TEXT NOT NULL,
    first_ts INTEGER NOT NULL,
    PRIMARY KEY (session_id, window_id)
  );

  -- Each chunk is the gzipped JSON array of its events exactly as received. The foreign key is deferred
  -- because ingest inserts the chunk first: that insert is what detects a re-sent batch.
  CREATE TABLE chunks (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    window_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    first_ts INTEGER NOT NULL,
    last_ts INTEGER NOT NULL,
    event_count INTEGER NOT NULL,
    raw_bytes INTEGER NOT NULL,
    stored_bytes INTEGER NOT NULL,
    events_gz BLOB NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (session_id, window_id, seq)
  ) WITHOUT ROWID;

  CREATE TABLE session_pages (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    first_ts INTEGER NOT NULL,
    PRIMARY KEY (session_id, url)
  );
  CREATE INDEX session_pages_url ON session_pages (url);

  CREATE TABLE custom_events (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    window_id TEXT NOT NULL,
    ts INTEGER NOT NULL,
    tag TEXT NOT NULL,
    name TEXT NOT NULL,
    props TEXT NOT NULL
  );
  CREATE INDEX custom_events_session_ts ON custom_events (session_id, ts);
  CREATE INDEX custom_events_tag_name ON custom_events (tag, name);
  `,
];
