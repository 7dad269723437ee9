"""Sales plans (销售计划): the hierarchy they belong to, their periods and lines, who may read and
write them, target decomposition and roll-up, their life cycle and events.

Pure modules: no database, no GraphQL.
"""
