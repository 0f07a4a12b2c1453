-- A real prop line keeps both of its times: snapshot_timestamp, when the line was observed (our
-- fetch time, or a historical snapshot's), and book_last_update, when the book last changed its
-- market (The Odds API's market last_update, else the bookmaker's). NULL for synthetic lines and
-- props files without it.
ALTER TABLE raw.player_points_props ADD COLUMN book_last_update TIMESTAMP;
