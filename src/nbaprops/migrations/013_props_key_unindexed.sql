-- raw.player_points_props without its PRIMARY KEY index. The table is the warehouse's largest
-- (12 M keys of four columns on a league of scale 10): its ART index could not spill to disk,
-- needed about twice its size at every commit and doubled the time of an ingest's inserts. The
-- key (game_id, bookmaker, player_lookup, snapshot_timestamp) is unique still: the loader keeps
-- it so (a key listed twice in a file is a duplicate or a conflict; a loaded key is replaced or
-- refused, never added twice; see ingest/loader.py), and `nbaprops validate` checks it
-- (raw_key:raw.player_points_props). DuckDB cannot drop a primary key in place: the table is
-- built anew (same columns, types and NOT NULLs), its rows copied by date, and swapped in.
CREATE TABLE raw.player_points_props_unindexed (
    game_id               VARCHAR NOT NULL,
    game_date             DATE NOT NULL,
    bookmaker             VARCHAR NOT NULL,
    player_lookup         VARCHAR NOT NULL,
    team_abbr             VARCHAR,
    snapshot_timestamp    TIMESTAMP NOT NULL,
    minutes_before_tipoff INTEGER NOT NULL,  -- negative = taken after tip-off (in-game)
    points_line           DOUBLE NOT NULL,
    over_price_american   INTEGER,
    under_price_american  INTEGER,
    is_synthetic          BOOLEAN NOT NULL,
    source                VARCHAR NOT NULL,
    source_file           VARCHAR NOT NULL,
    row_hash              VARCHAR NOT NULL,
    ingested_at           TIMESTAMP NOT NULL,
    book_last_update      TIMESTAMP
);
INSERT INTO raw.player_points_props_unindexed
SELECT * FROM raw.player_points_props ORDER BY game_date, game_id, bookmaker, player_lookup, snapshot_timestamp;
DROP TABLE raw.player_points_props;
ALTER TABLE raw.player_points_props_unindexed RENAME TO player_points_props;
