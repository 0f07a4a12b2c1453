from nbaprops.warehouse import Warehouse


def test_bundled_ingest_fills_every_raw_table(real_warehouse_path):
    with Warehouse.open(real_warehouse_path, read_only=True) as wh:
        for t in (
            "raw.schedule",
            "raw.player_boxscores",
            "raw.team_boxscores",
            "raw.shots",
            "raw.game_lines",
            "raw.injuries",
            "raw.player_points_props",
        ):
            assert wh.count(t) > 0, t
