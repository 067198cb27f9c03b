"""Pure grading functions and their registry (no textual, no litellm)."""
