"""Groups (互助群), memberships, roles, invites, rules and group settings."""
