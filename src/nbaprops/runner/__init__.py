"""Runs the models in dependency order over date chunks."""
