"""Users and signing in: passwords, sign-in sessions with rotating refresh tokens, the slowing of
password guessing, who may administer users, and the events of users."""
