"""The GraphQL face: types, resolvers, loaders, permissions and the ASGI app."""
