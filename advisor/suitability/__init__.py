"""The suitability engine: from an investor's profile, the catalogue and the loaded rules to a
decision the optimizer must obey, citing the rule behind every exclusion, cap and warning."""
