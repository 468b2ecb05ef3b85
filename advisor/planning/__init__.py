"""Goal planning, the methodology configuration and its verification, and the education/advice
mode. `goals`, `methodology` (loading aside) and `verification` are pure computation."""
