"""Reports: plan vs actual (达成率) on the plan hierarchy, and the delivery report (交付情况汇报)
with its approval. Pure rules: no database, no GraphQL."""
