"""Products: what the company sells, administered by admins."""
