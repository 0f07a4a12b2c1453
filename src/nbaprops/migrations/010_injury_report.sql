-- The NBA's official injury report (a PDF the league publishes hourly, every 15 minutes since
-- 2025-12-22): per report, game, team and player a status for the game and a reason. Every
-- report is a snapshot with its time: all are kept, features choose by time (the latest report
-- published before a date's cut-off, see analytics.upcoming_player_game_context).
-- report_time_et is the time printed in the report's header ("Injury Report: 01/04/24 12:30 PM"),
-- US Eastern wall-clock time. A team the report marks "NOT YET SUBMITTED" has one row with
-- player_lookup '' and status 'not_submitted': the report lists its game but says nothing of
-- its players. A team of a listed game without rows has nobody on the report (all available).
CREATE TABLE IF NOT EXISTS raw.injury_report (
    report_time_et TIMESTAMP NOT NULL,
    game_date      DATE NOT NULL,      -- the game's date (US Eastern), as printed
    game_id        VARCHAR NOT NULL,   -- the schedule's game of the printed matchup on that date
    team_abbr      VARCHAR NOT NULL,
    player_lookup  VARCHAR NOT NULL,   -- '' on a team's NOT YET SUBMITTED row
    player_name    VARCHAR NOT NULL,   -- as printed ("Last, First"); '' when not submitted
    status         VARCHAR NOT NULL,   -- out, doubtful, questionable, probable, available, not_submitted
    reason         VARCHAR NOT NULL,
    player_id      BIGINT,
    resolved_by    VARCHAR,
    source         VARCHAR NOT NULL,
    source_file    VARCHAR NOT NULL,
    row_hash       VARCHAR NOT NULL,
    ingested_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (report_time_et, game_id, team_abbr, player_lookup)
);
