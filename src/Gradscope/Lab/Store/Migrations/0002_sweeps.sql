-- Gradscope run store, schema version 2: sweeps and their trial queue (issue 6).
-- Portable SQL as in 0001 (SQLite >= 3.35 and PostgreSQL >= 12 alike). Timestamps are ISO-8601
-- UTC text that sorts chronologically; JSON is kept as TEXT.

-- One row per sweep. The id is derived from the name (lower-case [a-z0-9-]); creating a sweep
-- again with the same id and the same spec changes nothing (see ISweepStore.CreateSweep).
CREATE TABLE sweeps (
    id         TEXT NOT NULL PRIMARY KEY,
    name       TEXT NOT NULL,
    spec       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- The trial queue: one row per point of the sweep's grid. A worker claims a queued trial (or a
-- running one whose lease expired: its worker died) by setting status running, worker, and
-- lease_until = now + lease, and renews the lease while it trains; attempts counts the claims.
-- run is the trial's run (attached after the first claim, so a re-claimed trial resumes it).
CREATE TABLE trials (
    sweep       TEXT NOT NULL,
    trial       INTEGER NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'diverged', 'failed')),
    axes        TEXT NOT NULL,
    run         TEXT,
    worker      TEXT,
    lease_until TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    error       TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (sweep, trial)
);

-- Claiming looks for queued trials and running ones with an expired lease.
CREATE INDEX trials_by_status ON trials (status, sweep, trial);
