"""The translation-memory database and its leverage rules (issue 19).

``units.py`` holds the stored unit every backend returns; ``leverage.py`` ranks a sentence's
candidate units (origin penalties, multiple translations, context matches) and ``repair.py``
substitutes changed numbers, dates, times, symbols, addresses and glossary terms into a
fuzzy match's target. Both are pure functions over those units.
"""
