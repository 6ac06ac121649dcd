"""Named exceptions raised by newsbody; every message says what was wrong and what to do."""


class NewsbodyError(Exception):
    """Base class of every error newsbody raises on purpose."""


class InvalidInputError(NewsbodyError, TypeError):
    """The page given to clean() is not something newsbody can read."""


class PageNotFoundError(NewsbodyError, FileNotFoundError):
    """A path was given as the page and no such file exists."""


class DecodeError(NewsbodyError, ValueError):
    """Bytes could not be turned into text."""


class PageTooLargeError(NewsbodyError, ValueError):
    """The page is larger than the configured limit."""


class ModelError(NewsbodyError, RuntimeError):
    """The model file is missing, tampered with, untrusted or from an incompatible version."""


class ConfigError(NewsbodyError, ValueError):
    """An option has a value newsbody does not accept."""


class PageTimeoutError(NewsbodyError, TimeoutError):
    """Cleaning one page took longer than the per-page time limit."""


class InputFormatError(NewsbodyError, ValueError):
    """A batch input (JSON Lines, WARC) is not in the format it was read as."""
