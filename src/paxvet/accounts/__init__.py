"""Users, agencies, roles, passwords, sessions and the one policy deciding what a user may see."""
