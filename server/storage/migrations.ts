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

  // 2: rows derived from each chunk at ingest for the insight reports, and saved funnels. Each derived row carries
  // what its report filters on (page key, device, UTC day) so no report reads chunks.
  `
  -- Page views: one per page a window entered, extended by every later chunk while the window stays on it.
  CREATE TABLE page_views (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    window_id TEXT NOT NULL,
    ts INTEGER NOT NULL,
    last_ts INTEGER NOT NULL,
    url TEXT NOT NULL,
    page_key TEXT NOT NULL,
    device TEXT NOT NULL,
    day INTEGER NOT NULL,
    viewport_width INTEGER NOT NULL,
    viewport_height INTEGER NOT NULL,
    -- Deepest viewport bottom seen (px) and tallest document reported by a click (px); depth = bottom / height.
    max_seen_bottom REAL,
    doc_height REAL,
    max_scroll_depth REAL,
    -- First full snapshot inside the view: the heatmap background can be rebuilt from there.
    snapshot_ts INTEGER
  );
  CREATE INDEX page_views_window ON page_views (session_id, window_id, ts);
  -- Covers the scroll map; also finds the latest view with a snapshot of a page.
  CREATE INDEX page_views_page ON page_views (page_key, device, ts, max_scroll_depth, viewport_height, doc_height);

  -- Clicks with their element anchor (sl:click only: rrweb's own clicks carry no selector or offset).
  CREATE TABLE clicks (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    window_id TEXT NOT NULL,
    ts INTEGER NOT NULL,
    page_key TEXT NOT NULL,
    url TEXT NOT NULL,
    selector TEXT NOT NULL,
    tag TEXT NOT NULL,
    ox REAL NOT NULL,
    oy REAL NOT NULL,
    x REAL NOT NULL,
    y REAL NOT NULL,
    vw INTEGER NOT NULL,
    vh INTEGER NOT NULL,
    dw INTEGER NOT NULL,
    dh INTEGER NOT NULL,
    device TEXT NOT NULL,
    day INTEGER NOT NULL
  );
  CREATE INDEX clicks_window ON clicks (session_id, window_id, ts);
  -- The latest click on an element, to link a heatmap row to a replay.
  CREATE INDEX clicks_element ON clicks (page_key, selector, ts);

  -- Heatmap buckets per page, kind, device and UTC day, upserted with count = count + excluded.count at ingest,
  -- so a heatmap sums buckets, not clicks. span 0: one day (day = that day); span 1: the roll-up of a UTC month
  -- (day = its first day), so a long range reads one row per bucket per month. anchor 0: offset bucket inside the
  -- element (doc_width 0); anchor 1: page-coordinate bucket at document width doc_width.
  CREATE TABLE heatmap_cells (
    page_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    span INTEGER NOT NULL,
    device TEXT NOT NULL,
    day INTEGER NOT NULL,
    selector TEXT NOT NULL,
    anchor INTEGER NOT NULL,
    doc_width INTEGER NOT NULL,
    cell_x INTEGER NOT NULL,
    cell_y INTEGER NOT NULL,
    project_id INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (page_key, kind, span, device, day, selector, anchor, doc_width, cell_x, cell_y, project_id)
  ) WITHOUT ROWID;

  -- Views, clicks and mouse-move samples per page and day: the heatmap page picker without scanning buckets.
  CREATE TABLE page_days (
    page_key TEXT NOT NULL,
    device TEXT NOT NULL,
    day INTEGER NOT NULL,
    project_id INTEGER NOT NULL,
    views INTEGER NOT NULL,
    clicks INTEGER NOT NULL,
    moves INTEGER NOT NULL,
    PRIMARY KEY (page_key, device, day, project_id)
  ) WITHOUT ROWID;

  -- Rage, dead and error clicks. Recomputed around every new chunk; the unique key makes that idempotent.
  -- ox, oy, dw come from the sl:click, null when only rrweb saw the click (then it has no heatmap bucket).
  CREATE TABLE signals (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    window_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    ts INTEGER NOT NULL,
    selector TEXT NOT NULL,
    x REAL NOT NULL,
    y REAL NOT NULL,
    count INTEGER NOT NULL,
    page_key TEXT NOT NULL,
    device TEXT NOT NULL,
    day INTEGER NOT NULL,
    ox REAL,
    oy REAL,
    dw INTEGER,
    details TEXT NOT NULL,
    UNIQUE (session_id, window_id, kind, ts, selector)
  );
  CREATE INDEX signals_element ON signals (page_key, kind, selector, ts);

  -- Form field focus, blur and change, and form submits, as the recorder reported them (never a value).
  CREATE TABLE form_events (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    window_id TEXT NOT NULL,
    page_view_id INTEGER NOT NULL REFERENCES page_views(id) ON DELETE CASCADE,
    ts INTEGER NOT NULL,
    page_key TEXT NOT NULL,
    action TEXT NOT NULL,
    form TEXT NOT NULL,
    field TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL
  );
  -- Serves "abandoned a form": started (focus/change) without a submit of the same page and form.
  CREATE INDEX form_events_session ON form_events (session_id, page_key, form, action);
  CREATE INDEX form_events_view ON form_events (page_view_id);

  -- Where each window stood after its latest chunk: the page view it is on, viewport and scroll position.
  CREATE TABLE window_carry (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    window_id TEXT NOT NULL,
    page_view_id INTEGER,
    url TEXT NOT NULL,
    viewport_width INTEGER NOT NULL,
    viewport_height INTEGER NOT NULL,
    scroll_x REAL NOT NULL,
    scroll_y REAL NOT NULL,
    document_node_id INTEGER NOT NULL,
    -- Mouse and touch positions seen so far, so move thinning keeps 1 in N across batches of any size.
    move_positions INTEGER NOT NULL,
    last_ts INTEGER NOT NULL,
    PRIMARY KEY (session_id, window_id)
  ) WITHOUT ROWID;

  -- Signal recomputation reads only the chunks near a new one.
  CREATE INDEX chunks_window_last_ts ON chunks (session_id, window_id, last_ts);
  CREATE INDEX custom_events_track ON custom_events (tag, name, session_id, ts);
  -- Session-level reports and the funnel filter pick sessions by start time and device (covering: no row reads).
  CREATE INDEX sessions_started_device ON sessions (started_at, device, id);

  CREATE TABLE funnels (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    steps TEXT NOT NULL,
    window_ms INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  );
  `,

  // 3: user page patterns per project (a JSON array of strings such as "/product/*"), used for page keys at ingest.
  `
  ALTER TABLE projects ADD COLUMN page_patterns TEXT NOT NULL DEFAULT '[]';
  `,

  // 4: deletion and retention. Mouse moves reach heatmaps only as buckets, so each session's share of them is kept
  // to take it back out when the session is deleted (clicks, signals and views are rows that say it themselves).
  `
  -- Days a project keeps sessions after they end; NULL keeps them forever.
  ALTER TABLE projects ADD COLUMN retention_days INTEGER;
  CREATE INDEX sessions_project_ended_at ON sessions (project_id, ended_at);

  CREATE TABLE session_move_cells (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    project_id INTEGER NOT NULL,
    page_key TEXT NOT NULL,
    device TEXT NOT NULL,
    day INTEGER NOT NULL,
    doc_width INTEGER NOT NULL,
    cell_x INTEGER NOT NULL,
    cell_y INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (session_id, page_key, device, day, doc_width, cell_x, cell_y, project_id)
  ) WITHOUT ROWID;

  -- Who lost what and why; never holds recorded content, only ids and counts.
  CREATE TABLE deletion_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('session', 'user', 'retention')),
    subject TEXT NOT NULL,
    sessions INTEGER NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
  );
  `,

  // 5: access control. Origins a project accepts ingest from (a JSON array; [] accepts any), server settings such
  // as the generated admin token, and viewer sign-ins, stored by hash so a copy of the database signs nobody in.
  `
  ALTER TABLE projects ADD COLUMN allowed_origins TEXT NOT NULL DEFAULT '[]';

  CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE login_sessions (
    id_hash TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX login_sessions_expires_at ON login_sessions (expires_at);
  `,

  // 6: asset proxy. Per project, whether replays get recorded images, fonts and styles through Sightline ('proxy')
  // or not at all ('block', the default), and the extra origins the proxy may fetch from (a JSON array); plus the
  // cache of fetched assets, by URL, so a replay watched twice costs the store's host one request per asset.
  `
  ALTER TABLE projects ADD COLUMN asset_mode TEXT NOT NULL DEFAULT 'block' CHECK (asset_mode IN ('block', 'proxy'));
  ALTER TABLE projects ADD COLUMN asset_origins TEXT NOT NULL DEFAULT '[]';

  -- The body as the upstream sent it (CSS is rewritten per project when served); final_url is where redirects led,
  -- for resolving relative URLs inside CSS. Small columns first, so summing sizes never reads the bodies.
  CREATE TABLE asset_cache (
    url TEXT PRIMARY KEY,
    final_url TEXT NOT NULL,
    content_type TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    fetched_at INTEGER NOT NULL,
    body BLOB NOT NULL
  );
  -- Oldest-first eviction and the total size, from the index alone.
  CREATE INDEX asset_cache_fetched_at ON asset_cache (fetched_at, bytes);
  `,

  // 7: server-side events (POST /api/events). A project's server key, stored only as its SHA-256 (hex); every event a
  // backend sent, keyed by its id for idempotency and kept whether or not its session is known; and which side sent
  // each custom event, so a backend's purchase reads like a tracked one everywhere yet shows where it came from.
  `
  ALTER TABLE projects ADD COLUMN server_key_hash TEXT;
  ALTER TABLE custom_events ADD COLUMN source TEXT NOT NULL DEFAULT 'browser';

  CREATE TABLE server_events (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    event_id TEXT NOT NULL,
    name TEXT NOT NULL,
    ts INTEGER NOT NULL,
    -- The session as sent, or the one found for user_id; no foreign key, as the session may arrive later.
    session_id TEXT,
    user_id TEXT,
    -- { name, props }, the shape of an sl:track payload in custom_events.
    payload TEXT NOT NULL,
    -- 1 once copied into custom_events of its session; 0 while the session is unknown.
    attached INTEGER NOT NULL DEFAULT 0,
    received_at INTEGER NOT NULL,
    UNIQUE (project_id, event_id)
  );
  CREATE INDEX server_events_session ON server_events (session_id) WHERE session_id IS NOT NULL;
  CREATE INDEX server_events_user ON server_events (user_id) WHERE user_id IS NOT NULL;
  -- Checkout metrics count events without a session by their own time.
  CREATE INDEX server_events_unattached ON server_events (ts) WHERE attached = 0;
  `,

  // 8: webhooks. Subscriptions per project; a durable outbox of events, each written in the transaction of its cause,
  // with one delivery row per (event, subscribed webhook); and when a session was closed (idle), so that
  // cart_abandoned and form_abandoned are judged exactly once per session.
  `
  CREATE TABLE webhooks (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    -- JSON array of the event types it receives.
    events TEXT NOT NULL,
    -- The HMAC key: it must be readable to sign, so it is stored as it is and only shown once, at creation.
    secret TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX webhooks_project ON webhooks (project_id);

  -- One row per event; its id travels as Sightline-Event-Id. session_id makes session deletion take it (and, by
  -- cascade, its deliveries) away with every other row naming the session.
  CREATE TABLE webhook_events (
    id TEXT PRIMARY KEY,
    project_id INTEGER NOT NULL,
    type TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    session_id TEXT,
    user_id TEXT,
    -- The replay moment: window and offset from the window's first event, in ms.
    window_id TEXT,
    replay_offset_ms INTEGER,
    data TEXT NOT NULL
  );
  CREATE INDEX webhook_events_session ON webhook_events (session_id) WHERE session_id IS NOT NULL;
  CREATE INDEX webhook_events_created ON webhook_events (created_at);

  CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL REFERENCES webhook_events(id) ON DELETE CASCADE,
    webhook_id INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    -- Attempts started; also the claim's fence: a result is recorded only for the attempt that still holds it.
    attempts INTEGER NOT NULL DEFAULT 0,
    -- When the next attempt is due. A claim moves it to the end of its lease, so an attempt cut short by a crash
    -- is made again once the lease has run out, and never by two dispatchers at once.
    next_attempt_at INTEGER NOT NULL,
    -- The event's creation time: retries stop a retry window after it.
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    delivered_at INTEGER,
    last_status INTEGER,
    last_error TEXT,
    UNIQUE (event_id, webhook_id)
  );
  CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
  CREATE INDEX webhook_deliveries_log ON webhook_deliveries (webhook_id, id);
  -- The log's pruning finds finished deliveries by age.
  CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (updated_at) WHERE status <> 'pending';

  ALTER TABLE sessions ADD COLUMN closed_at INTEGER;
  -- Sessions recorded before webhooks existed count as closed: a new subscription must not fire for history.
  UPDATE sessions SET closed_at = updated_at;
  CREATE INDEX sessions_open ON sessions (updated_at) WHERE closed_at IS NULL;
  `,

  // 9: a project's data is visible only to its project. Viewer tokens per project (only their SHA-256 hash),
  // the scope of each sign-in, saved funnels and deletion-log lines owned by a project, and the indexes of the
  // project-filtered reads led by project_id. Views, clicks, signals, form events, heatmap buckets, page counts and
  // move ledgers carry project_id since migrations 2 and 4, set at ingest from their session's project.
  `
  ALTER TABLE projects ADD COLUMN viewer_token_hash TEXT;
  CREATE UNIQUE INDEX projects_viewer_token_hash ON projects (viewer_token_hash) WHERE viewer_token_hash IS NOT NULL;

  -- NULL: the admin's sign-in. Every sign-in made before this migration was made with the admin token.
  ALTER TABLE login_sessions ADD COLUMN project_id INTEGER REFERENCES projects(id);

  -- Saved funnels and old deletion-log lines have no session to say whose they are. Until now an install could not
  -- create a second project through the API, so the oldest project is the one every funnel was made for. Retention
  -- lines name their project's key; session and user lines go to the oldest project for the same reason.
  ALTER TABLE funnels ADD COLUMN project_id INTEGER REFERENCES projects(id);
  UPDATE funnels SET project_id = (SELECT min(id) FROM projects);
  CREATE INDEX funnels_project ON funnels (project_id, name, id);

  ALTER TABLE deletion_log ADD COLUMN project_id INTEGER REFERENCES projects(id);
  UPDATE deletion_log SET project_id = coalesce(
    CASE WHEN kind = 'retention' THEN (SELECT id FROM projects WHERE key = deletion_log.subject) END,
    (SELECT min(id) FROM projects));
  CREATE INDEX deletion_log_project ON deletion_log (project_id, id);

  -- The heatmap read is the hot path: a WITHOUT ROWID table is its own covering index, so project_id moves to the
  -- front of the primary key, and a project's buckets of a page sit together.
  CREATE TABLE heatmap_cells_scoped (
    project_id INTEGER NOT NULL,
    page_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    span INTEGER NOT NULL,
    device TEXT NOT NULL,
    day INTEGER NOT NULL,
    selector TEXT NOT NULL,
    anchor INTEGER NOT NULL,
    doc_width INTEGER NOT NULL,
    cell_x INTEGER NOT NULL,
    cell_y INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (project_id, page_key, kind, span, device, day, selector, anchor, doc_width, cell_x, cell_y)
  ) WITHOUT ROWID;
  INSERT INTO heatmap_cells_scoped (project_id, page_key, kind, span, device, day, selector, anchor, doc_width, cell_x,
      cell_y, count)
    SELECT project_id, page_key, kind, span, device, day, selector, anchor, doc_width, cell_x, cell_y, count
    FROM heatmap_cells;
  DROP TABLE heatmap_cells;
  ALTER TABLE heatmap_cells_scoped RENAME TO heatmap_cells;

  CREATE TABLE page_days_scoped (
    project_id INTEGER NOT NULL,
    page_key TEXT NOT NULL,
    device TEXT NOT NULL,
    day INTEGER NOT NULL,
    views INTEGER NOT NULL,
    clicks INTEGER NOT NULL,
    moves INTEGER NOT NULL,
    PRIMARY KEY (project_id, page_key, device, day)
  ) WITHOUT ROWID;
  INSERT INTO page_days_scoped (project_id, page_key, device, day, views, clicks, moves)
    SELECT project_id, page_key, device, day, views, clicks, moves FROM page_days;
  DROP TABLE page_days;
  ALTER TABLE page_days_scoped RENAME TO page_days;

  -- Same names, project_id first: the scroll map (covering), replay links, and the session-level reports (covering).
  DROP INDEX page_views_page;
  CREATE INDEX page_views_page
    ON page_views (project_id, page_key, device, ts, max_scroll_depth, viewport_height, doc_height);
  DROP INDEX clicks_element;
  CREATE INDEX clicks_element ON clicks (project_id, page_key, selector, ts);
  DROP INDEX signals_element;
  CREATE INDEX signals_element ON signals (project_id, page_key, kind, selector, ts);
  DROP INDEX sessions_started_device;
  CREATE INDEX sessions_started_device ON sessions (project_id, started_at, device, id);
  `,

  // 10: funnel timelines, pre-aggregated so that a funnel over 100,000 sessions reads one packed row per session, not
  // every page view and tracked event (server/analytics/packed-funnel.ts reads them). Triggers keep them in step with
  // page_views, custom_events and sessions, whichever code writes those: ingest, the benchmark's seeding, imports.
  `
  -- What a timeline entry names: kind 0 a page, by its URL up to and including the first ? or # (matching a page
  -- pattern reads nothing after them, and query strings would make every visit's URL distinct); kind 1 a tracked
  -- event, by name. uses counts the entries naming the label: it is deleted with the last of them.
  CREATE TABLE funnel_labels (
    id INTEGER PRIMARY KEY,
    kind INTEGER NOT NULL,
    text TEXT NOT NULL,
    uses INTEGER NOT NULL,
    UNIQUE (kind, text)
  );

  -- One row per session with a page view or tracked event. entries: per entry its time (i64) and label id (u32),
  -- big-endian, after a u32 count, in timeline order: by time, page views before tracked events, then as stored.
  -- project_id, started_at and device follow the session's, so a funnel's range is one primary-key range, no join.
  CREATE TABLE funnel_timelines (
    project_id INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    device TEXT NOT NULL,
    entries BLOB NOT NULL,
    PRIMARY KEY (project_id, started_at, session_id)
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX funnel_timelines_session ON funnel_timelines (session_id);

  -- Every timeline entry at its source row, with its label's kind and text. "+tag" keeps SQLite on the per-session
  -- index of custom_events when one session's entries are asked for.
  CREATE VIEW funnel_entry_sources AS
    SELECT session_id, ts, 0 AS kind, id,
      substr(url, 1, CASE
        WHEN instr(url, '?') > 0 AND (instr(url, '#') = 0 OR instr(url, '?') < instr(url, '#')) THEN instr(url, '?')
        WHEN instr(url, '#') > 0 THEN instr(url, '#')
        ELSE length(url) END) AS text
    FROM page_views WHERE url <> ''
    UNION ALL
    SELECT session_id, ts, 1 AS kind, id, name AS text FROM custom_events WHERE +tag = 'sl:track';

  -- Procedures for the triggers below, so each is written once: inserting a session id into funnel_timeline_refresh
  -- repacks that session's timeline; inserting a label into funnel_label_release takes one use of it back.
  CREATE VIEW funnel_timeline_refresh AS SELECT NULL AS session_id WHERE 0;
  CREATE TRIGGER funnel_timeline_refresh INSTEAD OF INSERT ON funnel_timeline_refresh BEGIN
    INSERT INTO funnel_timelines (started_at, session_id, project_id, device, entries)
      SELECT started_at, id, project_id, device, (
        SELECT unhex(printf('%08X', count(*))
          || coalesce(group_concat(printf('%016X%08X', e.ts, l.id), '' ORDER BY e.ts, e.kind, e.id), ''))
        FROM funnel_entry_sources e JOIN funnel_labels l ON l.kind = e.kind AND l.text = e.text
        WHERE e.session_id = NEW.session_id)
      FROM sessions WHERE id = NEW.session_id
      ON CONFLICT (session_id) DO UPDATE SET entries = excluded.entries;
  END;
  CREATE VIEW funnel_label_release AS SELECT NULL AS kind, NULL AS text WHERE 0;
  CREATE TRIGGER funnel_label_release INSTEAD OF INSERT ON funnel_label_release BEGIN
    UPDATE funnel_labels SET uses = uses - 1 WHERE kind = NEW.kind AND text = NEW.text;
    DELETE FROM funnel_labels WHERE kind = NEW.kind AND text = NEW.text AND uses <= 0;
  END;

  -- Page views: inserted, deleted, or named by a later chunk (a view opened before any navigation said its URL);
  -- nothing else of a view that a timeline reads ever changes. Labels are released before the row changes, while
  -- the view can still compute the old one; a timeline is repacked after, and after a deletion only while it exists
  -- (deleting a session deletes its timeline first, so its rows are not repacked one by one).
  CREATE TRIGGER funnel_page_view_inserted AFTER INSERT ON page_views WHEN NEW.url <> '' BEGIN
    INSERT INTO funnel_labels (kind, text, uses) SELECT kind, text, 1 FROM funnel_entry_sources WHERE kind = 0 AND id = NEW.id
      ON CONFLICT (kind, text) DO UPDATE SET uses = uses + 1;
    INSERT INTO funnel_timeline_refresh VALUES (NEW.session_id);
  END;
  CREATE TRIGGER funnel_page_view_renaming BEFORE UPDATE OF url ON page_views WHEN OLD.url <> NEW.url AND OLD.url <> '' BEGIN
    INSERT INTO funnel_label_release SELECT kind, text FROM funnel_entry_sources WHERE kind = 0 AND id = OLD.id;
  END;
  CREATE TRIGGER funnel_page_view_renamed AFTER UPDATE OF url ON page_views WHEN OLD.url <> NEW.url BEGIN
    INSERT INTO funnel_labels (kind, text, uses) SELECT kind, text, 1 FROM funnel_entry_sources WHERE kind = 0 AND id = NEW.id
      ON CONFLICT (kind, text) DO UPDATE SET uses = uses + 1;
    INSERT INTO funnel_timeline_refresh VALUES (NEW.session_id);
  END;
  CREATE TRIGGER funnel_page_view_deleting BEFORE DELETE ON page_views WHEN OLD.url <> '' BEGIN
    INSERT INTO funnel_label_release SELECT kind, text FROM funnel_entry_sources WHERE kind = 0 AND id = OLD.id;
  END;
  CREATE TRIGGER funnel_page_view_deleted AFTER DELETE ON page_views WHEN OLD.url <> '' BEGIN
    INSERT INTO funnel_timeline_refresh SELECT session_id FROM funnel_timelines WHERE session_id = OLD.session_id;
  END;

  -- Tracked events: inserted or deleted, never changed.
  CREATE TRIGGER funnel_event_inserted AFTER INSERT ON custom_events WHEN NEW.tag = 'sl:track' BEGIN
    INSERT INTO funnel_labels (kind, text, uses) VALUES (1, NEW.name, 1) ON CONFLICT (kind, text) DO UPDATE SET uses = uses + 1;
    INSERT INTO funnel_timeline_refresh VALUES (NEW.session_id);
  END;
  CREATE TRIGGER funnel_event_deleted AFTER DELETE ON custom_events WHEN OLD.tag = 'sl:track' BEGIN
    INSERT INTO funnel_label_release VALUES (1, OLD.name);
    INSERT INTO funnel_timeline_refresh SELECT session_id FROM funnel_timelines WHERE session_id = OLD.session_id;
  END;

  -- A later chunk can move a session's start earlier or change its device.
  CREATE TRIGGER funnel_session_changed AFTER UPDATE OF started_at, device ON sessions
    WHEN OLD.started_at <> NEW.started_at OR OLD.device <> NEW.device BEGIN
    UPDATE funnel_timelines SET started_at = NEW.started_at, device = NEW.device WHERE session_id = NEW.id;
  END;

  -- Backfill from the rows already stored.
  INSERT INTO funnel_labels (kind, text, uses) SELECT kind, text, count(*) FROM funnel_entry_sources GROUP BY kind, text;
  INSERT INTO funnel_timeline_refresh SELECT DISTINCT session_id FROM funnel_entry_sources;
  `,

  // 11: ingest repacks a session's funnel timeline once per chunk, not once per page view or tracked event it stores
  // (each repack reads the whole session's timeline, so a chunk of n entries cost n repacks). While a session id is
  // in funnel_refresh_deferred, the row triggers of migration 10 still count labels but only mark the session dirty;
  // the writer that put it there repacks a dirty session and removes the row in the same transaction
  // (server/storage/funnel-timelines.ts). Other writers never defer, so their rows are repacked as before.
  `
  CREATE TABLE funnel_refresh_deferred (
    session_id TEXT PRIMARY KEY,
    dirty INTEGER NOT NULL DEFAULT 0
  ) WITHOUT ROWID;

  DROP TRIGGER funnel_page_view_inserted;
  CREATE TRIGGER funnel_page_view_inserted AFTER INSERT ON page_views WHEN NEW.url <> '' BEGIN
    INSERT INTO funnel_labels (kind, text, uses) SELECT kind, text, 1 FROM funnel_entry_sources WHERE kind = 0 AND id = NEW.id
      ON CONFLICT (kind, text) DO UPDATE SET uses = uses + 1;
    UPDATE funnel_refresh_deferred SET dirty = 1 WHERE session_id = NEW.session_id;
    INSERT INTO funnel_timeline_refresh SELECT NEW.session_id
      WHERE NOT EXISTS (SELECT 1 FROM funnel_refresh_deferred WHERE session_id = NEW.session_id);
  END;
  DROP TRIGGER funnel_page_view_renamed;
  CREATE TRIGGER funnel_page_view_renamed AFTER UPDATE OF url ON page_views WHEN OLD.url <> NEW.url BEGIN
    INSERT INTO funnel_labels (kind, text, uses) SELECT kind, text, 1 FROM funnel_entry_sources WHERE kind = 0 AND id = NEW.id
      ON CONFLICT (kind, text) DO UPDATE SET uses = uses + 1;
    UPDATE funnel_refresh_deferred SET dirty = 1 WHERE session_id = NEW.session_id;
    INSERT INTO funnel_timeline_refresh SELECT NEW.session_id
      WHERE NOT EXISTS (SELECT 1 FROM funnel_refresh_deferred WHERE session_id = NEW.session_id);
  END;
  DROP TRIGGER funnel_event_inserted;
  CREATE TRIGGER funnel_event_inserted AFTER INSERT ON custom_events WHEN NEW.tag = 'sl:track' BEGIN
    INSERT INTO funnel_labels (kind, text, uses) VALUES (1, NEW.name, 1) ON CONFLICT (kind, text) DO UPDATE SET uses = uses + 1;
    UPDATE funnel_refresh_deferred SET dirty = 1 WHERE session_id = NEW.session_id;
    INSERT INTO funnel_timeline_refresh SELECT NEW.session_id
      WHERE NOT EXISTS (SELECT 1 FROM funnel_refresh_deferred WHERE session_id = NEW.session_id);
  END;
  `,

  // 12: roles. A project has up to two viewer tokens: read-only (viewer_token_hash, every token made before this
  // migration, which so becomes read-only) and manage (manage_token_hash: may also change the project's settings and
  // delete its data). A sign-in keeps the role of the token it was made with; the admin's (project_id NULL) ignores it.
  `
  ALTER TABLE projects ADD COLUMN manage_token_hash TEXT;
  CREATE UNIQUE INDEX projects_manage_token_hash ON projects (manage_token_hash) WHERE manage_token_hash IS NOT NULL;
  ALTER TABLE login_sessions ADD COLUMN role TEXT NOT NULL DEFAULT 'read' CHECK (role IN ('read', 'manage'));
  `,

  // 13: the deletion log keeps a keyed hash of whom a session or user deletion was about, not the id: an erased user's
  // id must not outlive their data. The installation's key is generated here (server/storage/deletion-subject.ts
  // registers both functions), and every line logged before is hashed. Retention lines keep their project's key.
  `
  INSERT OR IGNORE INTO settings (key, value) VALUES ('deletion_subject_key', sightline_new_key());
  UPDATE deletion_log
    SET subject = sightline_subject_hash((SELECT value FROM settings WHERE key = 'deletion_subject_key'), subject)
    WHERE kind IN ('session', 'user');
  `,

  // 14: assets by default. A third mode, 'public' (the asset proxy fetches recorded images, fonts and styles from any
  // public host, not only listed origins), becomes the default of projects made from now on; every existing row keeps
  // the mode it had. SQLite changes neither a column's default nor its CHECK in place, so the column is made anew
  // and the old values copied over. And the key the events routes sign proxy URLs with (server/assets/url-signature.ts),
  // so the proxy fetches only URLs Sightline itself handed out for a recording of the project.
  `
  ALTER TABLE projects ADD COLUMN asset_mode_next TEXT NOT NULL DEFAULT 'public' CHECK (asset_mode_next IN ('public', 'proxy', 'block'));
  UPDATE projects SET asset_mode_next = asset_mode;
  ALTER TABLE projects DROP COLUMN asset_mode;
  ALTER TABLE projects RENAME COLUMN asset_mode_next TO asset_mode;
  INSERT OR IGNORE INTO settings (key, value) VALUES ('asset_url_key', sightline_new_key());
  `,

  // 15: element labels as a person reads them ("Add to cart" button), from the recorder's sl:click and sl:field,
  // beside the selector wherever a finding names an element. '' for what was recorded before labels existed: those
  // fall back to the selector when shown.
  `
  ALTER TABLE clicks ADD COLUMN label TEXT NOT NULL DEFAULT '';
  ALTER TABLE signals ADD COLUMN label TEXT NOT NULL DEFAULT '';
  ALTER TABLE form_events ADD COLUMN label TEXT NOT NULL DEFAULT '';
  `,

  // 16: what went wrong in each session, kept on its row beside the summary so the list shows badges and sorts by
  // friction in SQL (analytics/friction.ts). Refreshed with every chunk and backend event of the session
  // (storage/session-facts.ts). A new session starts at 0 with nothing wrong yet; friction NULL marks a session
  // stored before this migration, whose facts migration 21's re-derivation fills in.
  `
  ALTER TABLE sessions ADD COLUMN rage_clicks INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE sessions ADD COLUMN dead_clicks INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE sessions ADD COLUMN error_clicks INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE sessions ADD COLUMN form_abandoned INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE sessions ADD COLUMN cart_outcome TEXT NOT NULL DEFAULT 'none'
    CHECK (cart_outcome IN ('none', 'abandoned', 'purchased'));
  ALTER TABLE sessions ADD COLUMN cart_value REAL NOT NULL DEFAULT 0;
  ALTER TABLE sessions ADD COLUMN friction REAL DEFAULT 0;
  UPDATE sessions SET friction = NULL;
  CREATE INDEX sessions_project_friction ON sessions (project_id, friction DESC, started_at DESC, id DESC);
  CREATE INDEX sessions_friction_unknown ON sessions (id) WHERE friction IS NULL;
  `,

  // 17: the developer capture. Sessions count their console errors and failed requests (the session list filters
  // on them); page_errors keeps each uncaught or console error with the page key of the view it happened in, for
  // "Top errors on this page". Its session_id makes deletion find it like every other per-session table.
  `
  ALTER TABLE sessions ADD COLUMN console_error_count INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE sessions ADD COLUMN failed_request_count INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE page_errors (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    window_id TEXT NOT NULL,
    page_key TEXT NOT NULL,
    device TEXT NOT NULL,
    ts INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('uncaught', 'console')),
    message TEXT NOT NULL
  );
  CREATE INDEX page_errors_page ON page_errors (project_id, page_key, ts);
  CREATE INDEX page_errors_session ON page_errors (session_id);
  `,

  // 18: a directory's index file is the directory (analytics/page-key.ts): keys stored as `/x/index.html`, `.htm` or
  // `.php` (any case) become `/x`, as ingest now names them, so a page visited both ways is one page. Rows that are
  // their own record take the new key; buckets and counters keyed by the page are merged into the new key's row.
  `
  CREATE TEMP TABLE index_file_keys AS
    SELECT old_key, coalesce(nullif(rtrim(substr(old_key, 1, length(old_key) - cut), '/'), ''), '/') AS new_key
    FROM (
      SELECT DISTINCT page_key AS old_key,
        CASE WHEN lower(page_key) GLOB '*/index.html' THEN 11
          WHEN lower(page_key) GLOB '*/index.htm' OR lower(page_key) GLOB '*/index.php' THEN 10 END AS cut
      FROM (SELECT page_key FROM page_views UNION SELECT page_key FROM page_days UNION SELECT page_key FROM clicks
        UNION SELECT page_key FROM signals UNION SELECT page_key FROM form_events
        UNION SELECT page_key FROM session_move_cells UNION SELECT page_key FROM page_errors)
      WHERE page_key GLOB '/*'
    )
    WHERE cut IS NOT NULL;

  UPDATE page_views SET page_key = (SELECT new_key FROM index_file_keys WHERE old_key = page_key)
    WHERE page_key IN (SELECT old_key FROM index_file_keys);
  UPDATE clicks SET page_key = (SELECT new_key FROM index_file_keys WHERE old_key = page_key)
    WHERE page_key IN (SELECT old_key FROM index_file_keys);
  UPDATE signals SET page_key = (SELECT new_key FROM index_file_keys WHERE old_key = page_key)
    WHERE page_key IN (SELECT old_key FROM index_file_keys);
  UPDATE form_events SET page_key = (SELECT new_key FROM index_file_keys WHERE old_key = page_key)
    WHERE page_key IN (SELECT old_key FROM index_file_keys);
  UPDATE page_errors SET page_key = (SELECT new_key FROM index_file_keys WHERE old_key = page_key)
    WHERE page_key IN (SELECT old_key FROM index_file_keys);

  INSERT INTO heatmap_cells (project_id, page_key, kind, span, device, day, selector, anchor, doc_width, cell_x, cell_y,
      count)
    SELECT project_id, new_key, kind, span, device, day, selector, anchor, doc_width, cell_x, cell_y, count
    FROM heatmap_cells JOIN index_file_keys ON old_key = page_key WHERE true
    ON CONFLICT DO UPDATE SET count = count + excluded.count;
  DELETE FROM heatmap_cells WHERE page_key IN (SELECT old_key FROM index_file_keys);

  INSERT INTO page_days (project_id, page_key, device, day, views, clicks, moves)
    SELECT project_id, new_key, device, day, views, clicks, moves
    FROM page_days JOIN index_file_keys ON old_key = page_key WHERE true
    ON CONFLICT DO UPDATE SET views = views + excluded.views, clicks = clicks + excluded.clicks,
      moves = moves + excluded.moves;
  DELETE FROM page_days WHERE page_key IN (SELECT old_key FROM index_file_keys);

  INSERT INTO session_move_cells (session_id, project_id, page_key, device, day, doc_width, cell_x, cell_y, count)
    SELECT session_id, project_id, new_key, device, day, doc_width, cell_x, cell_y, count
    FROM session_move_cells JOIN index_file_keys ON old_key = page_key WHERE true
    ON CONFLICT DO UPDATE SET count = count + excluded.count;
  DELETE FROM session_move_cells WHERE page_key IN (SELECT old_key FROM index_file_keys);

  DROP TABLE index_file_keys;
  `,

  // 19: checkout totals per day, so GET /api/metrics reads a row per day and device instead of every session and its
  // tracked events. checkout_days counts, per project, UTC start day and device, the sessions, those with an
  // add_to_cart and the cart value they added; session_carts holds each such session's carts. Triggers keep both in
  // step with whatever writes sessions and custom_events (ingest, a backend's events, deletion, the benchmark's
  // seeding), as the funnel timelines are kept: a session's start can move earlier and its device change, which moves
  // its counts to another row. Purchases and refunds stay one row each, since orders merge by orderId across
  // sessions and days and are reconciled when read, but narrow ones in order_events: the event's time, source, value
  // and order key, and its session's start, device and cart value, in a covering index. A value is worth what sightline_money
  // says and an orderId names what sightline_order_key says (contract/money.ts, registered by
  // storage/checkout-days.ts): the rules the metrics apply to each event. The event names are the metrics' defaults.
  `
  CREATE TABLE checkout_days (
    project_id INTEGER NOT NULL,
    day INTEGER NOT NULL,
    device TEXT NOT NULL,
    sessions INTEGER NOT NULL,
    cart_sessions INTEGER NOT NULL,
    cart_value REAL NOT NULL,
    PRIMARY KEY (project_id, day, device)
  ) WITHOUT ROWID;

  -- No foreign key: the triggers below remove a row with its session's last add_to_cart, or with the session.
  CREATE TABLE session_carts (
    session_id TEXT PRIMARY KEY,
    carts INTEGER NOT NULL,
    value REAL NOT NULL
  ) WITHOUT ROWID;

  -- event_id is the custom_events row's: equal times are settled in the order events were stored.
  CREATE TABLE order_events (
    event_id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL,
    session_id TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    device TEXT NOT NULL,
    ts INTEGER NOT NULL,
    refund INTEGER NOT NULL,
    source TEXT NOT NULL,
    value REAL NOT NULL,
    order_key TEXT,
    -- The session's session_carts value; NULL while it has put nothing in the cart.
    cart_value REAL
  );
  CREATE INDEX order_events_range ON order_events
    (project_id, started_at, device, event_id, ts, refund, source, value, order_key, session_id, cart_value);
  CREATE INDEX order_events_session ON order_events (session_id);

  CREATE TRIGGER checkout_order_added AFTER INSERT ON custom_events
    WHEN NEW.tag = 'sl:track' AND NEW.name IN ('purchase', 'refund') BEGIN
    INSERT INTO order_events (event_id, project_id, session_id, started_at, device, ts, refund, source, value, order_key,
        cart_value)
      SELECT NEW.id, project_id, id, started_at, device, NEW.ts, NEW.name = 'refund', NEW.source,
        sightline_money(CASE WHEN json_valid(NEW.props) THEN json_extract(NEW.props, '$.props.value') END),
        sightline_order_key(CASE WHEN json_valid(NEW.props) THEN json_extract(NEW.props, '$.props.orderId') END),
        (SELECT value FROM session_carts WHERE session_id = NEW.session_id)
      FROM sessions WHERE id = NEW.session_id;
  END;
  CREATE TRIGGER checkout_order_deleted AFTER DELETE ON custom_events
    WHEN OLD.tag = 'sl:track' AND OLD.name IN ('purchase', 'refund') BEGIN
    DELETE FROM order_events WHERE event_id = OLD.id;
  END;
  CREATE TRIGGER checkout_orders_moved AFTER UPDATE OF project_id, started_at, device ON sessions
    WHEN OLD.project_id <> NEW.project_id OR OLD.started_at <> NEW.started_at OR OLD.device <> NEW.device BEGIN
    UPDATE order_events SET project_id = NEW.project_id, started_at = NEW.started_at, device = NEW.device
      WHERE session_id = NEW.id;
  END;

  -- What an add_to_cart adds: its session's place, whether it is the session's first, and its value.
  CREATE VIEW checkout_cart_change AS SELECT NULL AS session_id, NULL AS value, NULL AS sign WHERE 0;
  CREATE TRIGGER checkout_cart_change INSTEAD OF INSERT ON checkout_cart_change
    WHEN EXISTS (SELECT 1 FROM sessions WHERE id = NEW.session_id) BEGIN
    INSERT INTO session_carts (session_id, carts, value) SELECT NEW.session_id, 0, 0 WHERE NEW.sign > 0
      ON CONFLICT DO NOTHING;
    UPDATE session_carts SET carts = carts + NEW.sign, value = value + NEW.sign * NEW.value
      WHERE session_id = NEW.session_id;
    INSERT INTO checkout_days (project_id, day, device, sessions, cart_sessions, cart_value)
      SELECT s.project_id, s.started_at / 86400000, s.device, 0,
        CASE WHEN NEW.sign > 0 THEN c.carts = 1 ELSE -(c.carts = 0) END, NEW.sign * NEW.value
      FROM sessions s JOIN session_carts c ON c.session_id = s.id WHERE s.id = NEW.session_id
      ON CONFLICT DO UPDATE SET cart_sessions = cart_sessions + excluded.cart_sessions,
        cart_value = cart_value + excluded.cart_value;
    DELETE FROM session_carts WHERE session_id = NEW.session_id AND carts <= 0;
    UPDATE order_events SET cart_value = (SELECT value FROM session_carts WHERE session_id = NEW.session_id)
      WHERE session_id = NEW.session_id;
  END;

  CREATE TRIGGER checkout_cart_added AFTER INSERT ON custom_events
    WHEN NEW.tag = 'sl:track' AND NEW.name = 'add_to_cart' BEGIN
    INSERT INTO checkout_cart_change VALUES (NEW.session_id,
      sightline_money(CASE WHEN json_valid(NEW.props) THEN json_extract(NEW.props, '$.props.value') END), 1);
  END;
  CREATE TRIGGER checkout_cart_deleted AFTER DELETE ON custom_events
    WHEN OLD.tag = 'sl:track' AND OLD.name = 'add_to_cart' BEGIN
    INSERT INTO checkout_cart_change VALUES (OLD.session_id,
      sightline_money(CASE WHEN json_valid(OLD.props) THEN json_extract(OLD.props, '$.props.value') END), -1);
  END;

  CREATE TRIGGER checkout_session_inserted AFTER INSERT ON sessions BEGIN
    INSERT INTO checkout_days (project_id, day, device, sessions, cart_sessions, cart_value)
      VALUES (NEW.project_id, NEW.started_at / 86400000, NEW.device, 1, 0, 0)
      ON CONFLICT DO UPDATE SET sessions = sessions + 1;
  END;
  CREATE TRIGGER checkout_session_moved AFTER UPDATE OF project_id, started_at, device ON sessions
    WHEN OLD.project_id <> NEW.project_id OR OLD.started_at / 86400000 <> NEW.started_at / 86400000
      OR OLD.device <> NEW.device BEGIN
    UPDATE checkout_days SET sessions = sessions - 1,
        cart_sessions = cart_sessions - EXISTS (SELECT 1 FROM session_carts WHERE session_id = OLD.id),
        cart_value = cart_value - coalesce((SELECT value FROM session_carts WHERE session_id = OLD.id), 0)
      WHERE project_id = OLD.project_id AND day = OLD.started_at / 86400000 AND device = OLD.device;
    INSERT INTO checkout_days (project_id, day, device, sessions, cart_sessions, cart_value)
      SELECT NEW.project_id, NEW.started_at / 86400000, NEW.device, 1, count(*), total(value)
      FROM session_carts WHERE session_id = NEW.id
      ON CONFLICT DO UPDATE SET sessions = sessions + 1, cart_sessions = cart_sessions + excluded.cart_sessions,
        cart_value = cart_value + excluded.cart_value;
    DELETE FROM checkout_days WHERE project_id = OLD.project_id AND day = OLD.started_at / 86400000
      AND device = OLD.device AND sessions <= 0;
  END;
  -- Deletion removes a session's events first (their triggers take its carts back); whatever is left goes here.
  CREATE TRIGGER checkout_session_deleted AFTER DELETE ON sessions BEGIN
    UPDATE checkout_days SET sessions = sessions - 1,
        cart_sessions = cart_sessions - EXISTS (SELECT 1 FROM session_carts WHERE session_id = OLD.id),
        cart_value = cart_value - coalesce((SELECT value FROM session_carts WHERE session_id = OLD.id), 0)
      WHERE project_id = OLD.project_id AND day = OLD.started_at / 86400000 AND device = OLD.device;
    DELETE FROM session_carts WHERE session_id = OLD.id;
    DELETE FROM order_events WHERE session_id = OLD.id;
    DELETE FROM checkout_days WHERE project_id = OLD.project_id AND day = OLD.started_at / 86400000
      AND device = OLD.device AND sessions <= 0;
  END;

  -- Backfill from the rows already stored.
  INSERT INTO session_carts (session_id, carts, value)
    SELECT e.session_id, count(*),
      total(sightline_money(CASE WHEN json_valid(e.props) THEN json_extract(e.props, '$.props.value') END))
    FROM custom_events e JOIN sessions s ON s.id = e.session_id
    WHERE e.tag = 'sl:track' AND e.name = 'add_to_cart' GROUP BY e.session_id;
  INSERT INTO checkout_days (project_id, day, device, sessions, cart_sessions, cart_value)
    SELECT s.project_id, s.started_at / 86400000, s.device, count(*), count(c.session_id), total(c.value)
    FROM sessions s LEFT JOIN session_carts c ON c.session_id = s.id
    GROUP BY s.project_id, s.started_at / 86400000, s.device;
  INSERT INTO order_events (event_id, project_id, session_id, started_at, device, ts, refund, source, value, order_key,
      cart_value)
    SELECT e.id, s.project_id, s.id, s.started_at, s.device, e.ts, e.name = 'refund', e.source,
      sightline_money(CASE WHEN json_valid(e.props) THEN json_extract(e.props, '$.props.value') END),
      sightline_order_key(CASE WHEN json_valid(e.props) THEN json_extract(e.props, '$.props.orderId') END),
      c.value
    FROM custom_events e JOIN sessions s ON s.id = e.session_id LEFT JOIN session_carts c ON c.session_id = s.id
    WHERE e.tag = 'sl:track' AND e.name IN ('purchase', 'refund');
  `,

  // 20: browser and system versions, from the same User-Agent header as their names (ingest/user-agent.ts, now
  // ua-parser-js). '' for sessions stored before: their header was not kept, so it cannot be read again.
  `
  ALTER TABLE sessions ADD COLUMN browser_version TEXT NOT NULL DEFAULT '';
  ALTER TABLE sessions ADD COLUMN os_version TEXT NOT NULL DEFAULT '';
  `,

  // 21: derivation moves behind the acknowledgement (server/pipeline/). Ingest appends the chunk, registers its
  // session and queues the chunk in derive_queue, all in one transaction; the consumer derives queued chunks and
  // removes them in the transaction that writes what they derive. A window's derived state is a fold over its
  // chunks in seq order: window_carry keeps the fold's state (now with the window's share of the session summary,
  // which the session row sums over its windows) and the last seq folded in, and the move ledger is kept per window,
  // so one window can be taken out of the heatmaps and derived again when a late chunk arrives. Deleting a page view
  // or tracked event inside a deferral marks its timeline dirty instead of repacking it per row. Everything derived
  // before this migration is rebuilt from the stored chunks by the same code, quietly (no webhooks), as a
  // re-derivation of each project.
  `
  CREATE TABLE derive_queue (
    session_id TEXT NOT NULL,
    window_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    project_id INTEGER NOT NULL,
    queued_at INTEGER NOT NULL,
    -- 1 for a re-derivation: what it finds again sends no webhook.
    quiet INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, window_id, seq)
  ) WITHOUT ROWID;
  -- Claims take new chunks first, oldest first; a re-derivation runs behind them.
  CREATE INDEX derive_queue_claim ON derive_queue (quiet, queued_at);
  CREATE INDEX derive_queue_project ON derive_queue (project_id, quiet, queued_at);

  -- A project's re-derivation in progress: it runs while quiet chunks of the project are queued.
  CREATE TABLE rederive_runs (
    project_id INTEGER PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
    started_at INTEGER NOT NULL,
    total_chunks INTEGER NOT NULL
  );

  DROP TABLE window_carry;
  CREATE TABLE window_carry (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    window_id TEXT NOT NULL,
    -- Highest seq folded in; NULL while a re-derivation has yet to fold the window again from its first chunk.
    derived_seq INTEGER,
    page_view_id INTEGER,
    url TEXT NOT NULL,
    viewport_width INTEGER NOT NULL,
    viewport_height INTEGER NOT NULL,
    scroll_x REAL NOT NULL,
    scroll_y REAL NOT NULL,
    document_node_id INTEGER NOT NULL,
    move_positions INTEGER NOT NULL,
    last_ts INTEGER NOT NULL,
    -- The window's share of its session's summary.
    active_ms INTEGER NOT NULL,
    last_input_ts INTEGER,
    entry_url TEXT,
    entry_ts INTEGER,
    click_count INTEGER NOT NULL,
    error_count INTEGER NOT NULL,
    console_error_count INTEGER NOT NULL,
    failed_request_count INTEGER NOT NULL,
    -- The last viewport the window reported and the user it identified, with their event times: the session takes
    -- the latest of its windows'.
    seen_width INTEGER,
    seen_height INTEGER,
    seen_device TEXT,
    seen_ts INTEGER,
    user_id TEXT,
    user_ts INTEGER,
    PRIMARY KEY (session_id, window_id)
  ) WITHOUT ROWID;

  DROP TABLE session_move_cells;
  CREATE TABLE session_move_cells (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    window_id TEXT NOT NULL,
    project_id INTEGER NOT NULL,
    page_key TEXT NOT NULL,
    device TEXT NOT NULL,
    day INTEGER NOT NULL,
    doc_width INTEGER NOT NULL,
    cell_x INTEGER NOT NULL,
    cell_y INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (session_id, window_id, page_key, device, day, doc_width, cell_x, cell_y, project_id)
  ) WITHOUT ROWID;

  DROP TRIGGER funnel_page_view_deleted;
  CREATE TRIGGER funnel_page_view_deleted AFTER DELETE ON page_views WHEN OLD.url <> '' BEGIN
    UPDATE funnel_refresh_deferred SET dirty = 1 WHERE session_id = OLD.session_id;
    INSERT INTO funnel_timeline_refresh SELECT session_id FROM funnel_timelines WHERE session_id = OLD.session_id
      AND NOT EXISTS (SELECT 1 FROM funnel_refresh_deferred WHERE session_id = OLD.session_id);
  END;
  DROP TRIGGER funnel_event_deleted;
  CREATE TRIGGER funnel_event_deleted AFTER DELETE ON custom_events WHEN OLD.tag = 'sl:track' BEGIN
    INSERT INTO funnel_label_release VALUES (1, OLD.name);
    UPDATE funnel_refresh_deferred SET dirty = 1 WHERE session_id = OLD.session_id;
    INSERT INTO funnel_timeline_refresh SELECT session_id FROM funnel_timelines WHERE session_id = OLD.session_id
      AND NOT EXISTS (SELECT 1 FROM funnel_refresh_deferred WHERE session_id = OLD.session_id);
  END;

  -- Active time is now summed per window (window_carry.last_input_ts).
  ALTER TABLE sessions DROP COLUMN last_input_ts;

  -- Rebuild: the timelines and labels go first, so deleting their rows repacks nothing; what is left (a backend's
  -- events) is counted and packed again below.
  DELETE FROM funnel_timelines;
  DELETE FROM funnel_labels;
  DELETE FROM form_events;
  DELETE FROM page_errors;
  DELETE FROM clicks;
  DELETE FROM signals;
  DELETE FROM page_views;
  DELETE FROM custom_events WHERE source = 'browser';
  DELETE FROM session_pages;
  DELETE FROM heatmap_cells;
  DELETE FROM page_days;
  INSERT INTO funnel_labels (kind, text, uses) SELECT kind, text, count(*) FROM funnel_entry_sources GROUP BY kind, text;
  INSERT INTO funnel_timeline_refresh SELECT DISTINCT session_id FROM funnel_entry_sources;
  INSERT INTO derive_queue (session_id, window_id, seq, project_id, queued_at, quiet)
    SELECT c.session_id, c.window_id, c.seq, s.project_id, CAST(unixepoch('subsec') * 1000 AS INTEGER), 1
    FROM chunks c JOIN sessions s ON s.id = c.session_id;
  INSERT INTO rederive_runs (project_id, started_at, total_chunks)
    SELECT project_id, min(queued_at), count(*) FROM derive_queue GROUP BY project_id;
  `,
];

/**
 * Run once on a database the migrations made from nothing (user_version 0 when they started), against the newest
 * schema. Migration 1's demo project predates asset modes and would keep migration 6's 'block'; a new install has no
 * choice to keep, so its demo project gets what a project made today gets.
 */
export const newDatabaseDefaults = `
  UPDATE projects SET asset_mode = 'public' WHERE key = 'demo';
`;
