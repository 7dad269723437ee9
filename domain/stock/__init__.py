"""Finished-goods stock: the ledger rules and the stock-in (成品合格品办理入库) life cycle.

Pure modules: no database, no GraphQL.
"""
