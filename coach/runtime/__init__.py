"""Runs an exercise: renders the prompt, calls the model, plants traps, grades, records.

The runtime joins the layers below it (llm, graders, engine, store, content)
and offers plain Python APIs, so everything the TUI does is testable headless.
"""
