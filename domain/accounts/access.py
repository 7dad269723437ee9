"""Who may administer: users, departments, salespeople and products are the admin's (PRODUCT.md,
roles)."""

from domain.access import Actor, Role


def may_administer(actor: Actor | None) -> bool:
    return actor is not None and actor.has(Role.ADMIN)
