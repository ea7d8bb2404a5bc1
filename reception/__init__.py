"""The law of citizens' appeals, pure: kinds, statuses, deadlines, numbering, roles, classifier."""
