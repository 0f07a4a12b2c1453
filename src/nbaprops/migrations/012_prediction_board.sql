-- The board beside each prediction (src/nbaprops/model/board.py): what the points distribution
-- says at the books' prices when `predict` ran, so the results ledger can score the bets at the
-- prices recorded then. NULL for backtest rows (no prices) and rows with no bet.
-- p_over and predicted_points now come from one points distribution (model/distribution.py).
ALTER TABLE predictions.player_points_predictions ADD COLUMN line_book VARCHAR;
ALTER TABLE predictions.player_points_predictions ADD COLUMN line_synthetic BOOLEAN;
ALTER TABLE predictions.player_points_predictions ADD COLUMN books INTEGER;
ALTER TABLE predictions.player_points_predictions ADD COLUMN consensus_line DOUBLE;
ALTER TABLE predictions.player_points_predictions ADD COLUMN fair_line DOUBLE;
ALTER TABLE predictions.player_points_predictions ADD COLUMN p_over_no_vig DOUBLE;
ALTER TABLE predictions.player_points_predictions ADD COLUMN hold DOUBLE;
ALTER TABLE predictions.player_points_predictions ADD COLUMN bet_side VARCHAR;
ALTER TABLE predictions.player_points_predictions ADD COLUMN bet_book VARCHAR;
ALTER TABLE predictions.player_points_predictions ADD COLUMN bet_line DOUBLE;
ALTER TABLE predictions.player_points_predictions ADD COLUMN bet_price_american DOUBLE;
ALTER TABLE predictions.player_points_predictions ADD COLUMN bet_p DOUBLE;
ALTER TABLE predictions.player_points_predictions ADD COLUMN edge DOUBLE;
ALTER TABLE predictions.player_points_predictions ADD COLUMN expected_value DOUBLE;
ALTER TABLE predictions.player_points_predictions ADD COLUMN kelly_stake DOUBLE;
ALTER TABLE predictions.player_points_predictions ADD COLUMN p_over_blended DOUBLE;
