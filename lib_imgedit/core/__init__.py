"""Foundations: the edit instruction and plan (the contract between the planner and the rest), settings
and rules, typed errors, images, labels and masks, colours, blobs, rate limits, redaction, infotext, presets,
language. Imports nothing else of the package."""
