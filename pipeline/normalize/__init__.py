"""Normalizers shared by every stage: numerals, references, dates, symbols, countries."""
