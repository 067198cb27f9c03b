"""Coaching on top of the graded attempt: feedback, weaknesses, a coach model's critique."""
