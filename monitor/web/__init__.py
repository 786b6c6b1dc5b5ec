"""A small read-only web app: fact pages for analysts (server-rendered, right-to-left)."""
