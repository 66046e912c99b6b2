"""The API endpoints for outlets, actors and sources, which show what the claims app knows of them."""
