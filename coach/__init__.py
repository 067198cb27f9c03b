"""coach: a terminal practice coach for working with generative AI."""

__version__ = "0.1.0"
