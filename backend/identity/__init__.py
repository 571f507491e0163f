"""Identity: districts, enterprises, qualifications, users, login and tokens."""
