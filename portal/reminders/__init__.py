"""Scheduled reminders: apps register kinds of reminder; ministry staff set when each is sent;
Celery beat sends what is due, each reminder recorded once per thing, person and day."""
