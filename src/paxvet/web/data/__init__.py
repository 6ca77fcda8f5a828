"""Read models shared by the pages and the JSON API: one query per screen, already filtered by policy."""
