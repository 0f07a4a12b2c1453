-- Phase 5: the walk-forward backtest's predictions (src/nbaprops/model/storage.py replaces a
-- backtest range of it in one transaction). IF NOT EXISTS: warehouses backtested before this
-- migration already hold the table, with these columns.
CREATE TABLE IF NOT EXISTS predictions.player_points_predictions (
    player_lookup     VARCHAR NOT NULL,
    game_date         DATE NOT NULL,
    game_id           VARCHAR,
    season_year       INTEGER,
    predicted_points  DOUBLE,
    p_over            DOUBLE,      -- P(points > points_line), HistGradientBoostingClassifier
    p_over_residual   DOUBLE,      -- P(points > points_line), prediction + out-of-sample residuals
    points_line       DOUBLE,      -- the pre-tip line the probabilities refer to (synthetic)
    model_version     VARCHAR NOT NULL,
    trained_through   DATE,        -- last game_date of the rows the model was fitted on
    block_start       DATE,        -- first day of the walk-forward block predicted
    train_rows        INTEGER,
    label_points      INTEGER,     -- outcomes of D, for evaluation only
    label_played      BOOLEAN,
    label_over_line   BOOLEAN,
    run_id            VARCHAR,
    created_at        TIMESTAMP,
    PRIMARY KEY (player_lookup, game_date)
);
