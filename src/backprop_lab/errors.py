"""The one error type a user can fix."""


class UserError(Exception):
    """A mistake in what the user asked for or gave (a path, a lesson id, an option).

    The CLI prints its message without a traceback and exits with status 2.
    """
