"""What every endpoint of the API shares: authentication, access, errors, pagination, throttling, the schema."""
