-- Player identity: every spelling of a player seen in a source, resolved to his key.
-- player_lookup is the key every raw table uses (the NBA's spelling in the box scores and game
-- logs, which carry the NBA player id); spelling is the name as the source wrote it; resolved_by
-- says how its rows found the player: 'id' (the NBA player id), 'name' (the same spelling on
-- the season's rosters) or 'alias' (a generational suffix left out or added, or a known alias of
-- src/nbaprops/reference/player_aliases.csv). Rebuilt by every ingest from the raw tables.
CREATE TABLE IF NOT EXISTS reference.player_identity (
    player_lookup VARCHAR NOT NULL,
    player_id     BIGINT,
    source        VARCHAR NOT NULL,    -- player_box, basic_log, shotchartdetail, prosportstransactions
    spelling      VARCHAR NOT NULL,
    resolved_by   VARCHAR NOT NULL,    -- id / name / alias
    rows          BIGINT NOT NULL,
    first_date    DATE,
    last_date     DATE,
    PRIMARY KEY (player_lookup, source, spelling)
);

-- Injury transactions carry no player id: it is resolved at ingest (see reference.player_identity).
ALTER TABLE raw.injuries ADD COLUMN player_id BIGINT;
ALTER TABLE raw.injuries ADD COLUMN resolved_by VARCHAR;

-- Per file: how its rows found their player (by id, by the same name, by an alias; unresolved
-- rows are quarantined), and the schedule rows derived from its box scores.
ALTER TABLE processing.ingest_log ADD COLUMN rows_by_id BIGINT DEFAULT 0;
ALTER TABLE processing.ingest_log ADD COLUMN rows_by_name BIGINT DEFAULT 0;
ALTER TABLE processing.ingest_log ADD COLUMN rows_by_alias BIGINT DEFAULT 0;
ALTER TABLE processing.ingest_log ADD COLUMN rows_unresolved BIGINT DEFAULT 0;
ALTER TABLE processing.ingest_log ADD COLUMN games_derived BIGINT DEFAULT 0;
