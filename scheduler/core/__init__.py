"""The calendar core: the YAML format, loading and checks, dates, lunar calendar, days off, expansion, next year.

Pure functions of their inputs: no clock, no database, no network."""
