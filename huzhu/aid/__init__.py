"""Aid requests (group-buys, boosts, questions), helps, answers and the help ledger."""
