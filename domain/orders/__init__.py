"""Sales orders (订单/合同): life cycle, lines, special approval, access and execution figures.

Pure modules: no database, no GraphQL.
"""
