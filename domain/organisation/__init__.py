"""The organisation administered by admins: departments (with their manager and VP in charge) and
salespeople."""
