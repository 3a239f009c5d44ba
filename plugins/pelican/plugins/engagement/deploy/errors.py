"""The one error deploying raises: what went wrong and what to do, in a sentence."""


class DeployError(RuntimeError):
    """Deploying cannot start or did not finish; the message says what to configure or install."""
