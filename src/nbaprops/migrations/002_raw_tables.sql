-- Phase 2: normalised raw tables. Keys are normalised once here (player_lookup, tricodes,
-- the official 10-character NBA game_id, DATE columns). Every row keeps its source, a content
-- hash (row_hash: unchanged content keeps its ingested_at) and when it was ingested.

CREATE TABLE IF NOT EXISTS reference.teams (
    team_abbr   VARCHAR PRIMARY KEY,
    team_id     BIGINT,
    team_name   VARCHAR,
    nickname    VARCHAR,
    conference  VARCHAR,
    arena       VARCHAR,
    latitude    DOUBLE,
    longitude   DOUBLE
);

CREATE TABLE IF NOT EXISTS reference.players (
    player_lookup VARCHAR PRIMARY KEY,
    player_id     BIGINT,
    player_name   VARCHAR,
    first_game_date DATE,
    last_game_date  DATE,
    games         INTEGER
);

CREATE TABLE IF NOT EXISTS raw.schedule (
    game_id        VARCHAR PRIMARY KEY,
    season         VARCHAR NOT NULL,
    season_year    INTEGER NOT NULL,
    season_type    VARCHAR NOT NULL,
    game_date      DATE NOT NULL,
    home_team_abbr VARCHAR NOT NULL,
    away_team_abbr VARCHAR NOT NULL,
    neutral_site   BOOLEAN,
    home_wl        VARCHAR,            -- result: a label, never a feature input
    source         VARCHAR NOT NULL,
    source_file    VARCHAR NOT NULL,
    row_hash       VARCHAR NOT NULL,
    ingested_at    TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS raw.player_boxscores (
    game_id            VARCHAR NOT NULL,
    game_date          DATE NOT NULL,
    season_year        INTEGER NOT NULL,
    season_type        VARCHAR NOT NULL,
    team_abbr          VARCHAR NOT NULL,
    opponent_team_abbr VARCHAR NOT NULL,
    home_game          BOOLEAN NOT NULL,
    player_id          BIGINT,
    player_name        VARCHAR NOT NULL,
    player_lookup      VARCHAR NOT NULL,
    starter            BOOLEAN,            -- NULL in the basic log
    dnp_reason         VARCHAR,
    minutes            DOUBLE,             -- decimal minutes (whole minutes in the basic log)
    points             INTEGER,
    fg_makes           INTEGER,            -- made/attempted: NULL in the basic log
    fg_attempts        INTEGER,
    three_pt_makes     INTEGER,
    three_pt_attempts  INTEGER,
    ft_makes           INTEGER,
    ft_attempts        INTEGER,
    offensive_rebounds INTEGER,
    defensive_rebounds INTEGER,
    rebounds           INTEGER,
    assists            INTEGER,
    steals             INTEGER,
    blocks             INTEGER,
    turnovers          INTEGER,
    personal_fouls     INTEGER,
    plus_minus         DOUBLE,
    fg_pct             DOUBLE,
    fg3_pct            DOUBLE,
    ft_pct             DOUBLE,
    source             VARCHAR NOT NULL,   -- 'player_box' (full) or 'basic_log' (fallback)
    source_file        VARCHAR NOT NULL,
    row_hash           VARCHAR NOT NULL,
    ingested_at        TIMESTAMP NOT NULL,
    PRIMARY KEY (game_id, player_lookup)
);

CREATE TABLE IF NOT EXISTS raw.team_boxscores (
    game_id            VARCHAR NOT NULL,
    game_date          DATE NOT NULL,
    season_year        INTEGER NOT NULL,
    season_type        VARCHAR NOT NULL,
    team_abbr          VARCHAR NOT NULL,
    opponent_team_abbr VARCHAR NOT NULL,
    home_game          BOOLEAN NOT NULL,
    wl                 VARCHAR,
    minutes            INTEGER,            -- total player-minutes: 240 regulation, +25 per OT
    points             INTEGER,
    fg_makes           INTEGER,
    fg_attempts        INTEGER,
    three_pt_makes     INTEGER,
    three_pt_attempts  INTEGER,
    ft_makes           INTEGER,
    ft_attempts        INTEGER,
    offensive_rebounds INTEGER,
    defensive_rebounds INTEGER,
    rebounds           INTEGER,
    assists            INTEGER,
    steals             INTEGER,
    blocks             INTEGER,
    turnovers          INTEGER,
    personal_fouls     INTEGER,
    plus_minus         DOUBLE,
    fg_pct             DOUBLE,
    fg3_pct            DOUBLE,
    ft_pct             DOUBLE,
    source             VARCHAR NOT NULL,   -- 'team_box' (full) or 'basic_log' (fallback)
    source_file        VARCHAR NOT NULL,
    row_hash           VARCHAR NOT NULL,
    ingested_at        TIMESTAMP NOT NULL,
    PRIMARY KEY (game_id, team_abbr)
);

CREATE TABLE IF NOT EXISTS raw.shots (
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
    ingested_at        TIMESTAMP NOT NULL,
    PRIMARY KEY (game_id, shot_seq)
);

CREATE TABLE IF NOT EXISTS raw.game_lines (
    game_id        VARCHAR PRIMARY KEY,
    game_date      DATE NOT NULL,
    home_team_abbr VARCHAR NOT NULL,
    away_team_abbr VARCHAR NOT NULL,
    total_line     DOUBLE,
    home_spread    DOUBLE,                 -- negative = home favoured
    ml_home        DOUBLE,
    ml_away        DOUBLE,
    total_points   INTEGER,                -- final score: a label, never a feature input
    home_margin    INTEGER,                -- final score: a label, never a feature input
    source         VARCHAR NOT NULL,
    source_file    VARCHAR NOT NULL,
    row_hash       VARCHAR NOT NULL,
    ingested_at    TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS raw.injuries (
    transaction_date DATE NOT NULL,
    team_abbr        VARCHAR NOT NULL,
    player_name      VARCHAR NOT NULL,
    player_lookup    VARCHAR NOT NULL,
    event            VARCHAR NOT NULL,     -- 'out' or 'return'
    notes            VARCHAR NOT NULL,
    est_days_out     DOUBLE,
    source           VARCHAR NOT NULL,
    source_file      VARCHAR NOT NULL,
    row_hash         VARCHAR NOT NULL,
    ingested_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (transaction_date, player_lookup, event, notes)
);

CREATE TABLE IF NOT EXISTS raw.player_points_props (
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
    PRIMARY KEY (game_id, bookmaker, player_lookup, snapshot_timestamp)
);
