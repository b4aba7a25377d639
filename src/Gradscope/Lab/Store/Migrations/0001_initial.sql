-- Gradscope run store, schema version 1.
-- Portable SQL: runs unchanged on SQLite (>= 3.35) and PostgreSQL (>= 12). Only INTEGER/BIGINT,
-- DOUBLE PRECISION and TEXT columns; timestamps are ISO-8601 UTC text
-- ('yyyy-MM-ddTHH:mm:ss.fffffffZ', which sorts chronologically as text); JSON is kept as TEXT.
-- Non-finite numbers: NULL in a DOUBLE PRECISION metric column means NaN; +/-Infinity are stored
-- as such (both engines accept them). See src/Gradscope/Lab/Store/README.md.

CREATE TABLE runs (
    id          TEXT NOT NULL PRIMARY KEY,
    name        TEXT NOT NULL,
    spec        TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('created', 'running', 'completed', 'diverged', 'failed', 'stopped')),
    seed        BIGINT NOT NULL,
    dtype       TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    started_at  TEXT,
    finished_at TEXT,
    steps_done  BIGINT NOT NULL DEFAULT 0,
    error       TEXT,
    summary     TEXT
);

CREATE INDEX runs_by_created_at ON runs (created_at);

-- Scalar metrics in long format. No foreign key: checking it on every one of millions of
-- inserted rows costs more than it protects; DeleteRun removes a run's rows explicitly.
CREATE TABLE metrics (
    run   TEXT NOT NULL,
    step  BIGINT NOT NULL,
    time  DOUBLE PRECISION,
    name  TEXT NOT NULL,
    value DOUBLE PRECISION
);

CREATE INDEX metrics_by_run_name_step ON metrics (run, name, step);

-- Small vector-valued records (e.g. Hessian spectral densities): values_json is a JSON array of
-- numbers, with "NaN", "Infinity" and "-Infinity" as strings for non-finite entries.
CREATE TABLE metric_vectors (
    run         TEXT NOT NULL,
    step        BIGINT NOT NULL,
    time        DOUBLE PRECISION,
    name        TEXT NOT NULL,
    values_json TEXT NOT NULL
);

CREATE INDEX metric_vectors_by_run_name_step ON metric_vectors (run, name, step);
