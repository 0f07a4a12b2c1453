-- raw.shots without its PRIMARY KEY index (game_id, shot_seq): 9 M keys on a league of scale 10, the
-- same reasons as raw.player_points_props (013). shot_seq is numbered by the loader within the
-- file's game, and a game's shots are replaced whole, so the key stays unique; `nbaprops validate`
-- checks it (raw_key:raw.shots). The table is built anew, its rows copied by date, and swapped in.
CREATE TABLE raw.shots_unindexed (
    game_id            VARCHAR NOT NULL,
    shot_seq           INTEGER NOT NULL,   -- order of the attempt within its game in the file
    game_date          DATE NOT NULL,
    season_year        INTEGER NOT NULL,
    team_abbr          VARCHAR NOT NULL,
    opponent_team_abbr VARCHAR NOT NULL,
    player_id          BIGINT,
    player_name        VARCHAR NOT NULL,
    player_lookup      VARCHAR NOT NULL,
    shot_made          BOOLEAN NOT NULL,
    shot_type          VARCHAR NOT NULL,   -- '2PT Field Goal' / '3PT Field Goal'
    basic_zone         VARCHAR NOT NULL,
    zone               VARCHAR NOT NULL,   -- paint / mid_range / three / backcourt: the one classifier
    action_type        VARCHAR,
    shot_distance      INTEGER,
    loc_x              DOUBLE,
    loc_y              DOUBLE,
    quarter            INTEGER,
    mins_left          INTEGER,
    secs_left          INTEGER,
    source             VARCHAR NOT NULL,
    source_file        VARCHAR NOT NULL,
    row_hash           VARCHAR NOT NULL,
    ingested_at        TIMESTAMP NOT NULL
);
INSERT INTO raw.shots_unindexed SELECT * FROM raw.shots ORDER BY game_date, game_id, shot_seq;
DROP TABLE raw.shots;
ALTER TABLE raw.shots_unindexed RENAME TO shots;
