"""The Mutation root: one module per area, one resolver per business action."""
