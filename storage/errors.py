"""What storage tells its callers about a race, without their importing the database library."""


class Conflict(Exception):
    """Another transaction got there first (a row created twice, a status already changed);
    the whole unit of work is rolled back and may be retried from the start."""
