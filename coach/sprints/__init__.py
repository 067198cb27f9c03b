"""Timed practice sprints: the sprint file, the board (pure), and the session hook-up."""
