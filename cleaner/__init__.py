"""newsbody: keep the article body of scraped pages in any language, and say why for every paragraph.

    >>> import cleaner
    >>> result = cleaner.clean(html_or_text)
    >>> result.text, result.title, result.language
    >>> [(p.text, p.keep, p.reason) for p in result.paragraphs]
"""
from .api import Cleaner, Settings, clean, default_cleaner, load_model
from .errors import (ConfigError, DecodeError, InputFormatError, InvalidInputError, ModelError, NewsbodyError,
                     PageNotFoundError, PageTimeoutError, PageTooLargeError)
from .language import detect_language
from .paragraph import DomContext, Paragraph
from .result import Result

__version__ = "0.1.0"
__all__ = [
    "Cleaner", "Settings", "clean", "default_cleaner", "load_model", "detect_language",
    "Paragraph", "DomContext", "Result",
    "NewsbodyError", "InvalidInputError", "PageNotFoundError", "DecodeError", "PageTooLargeError",
    "PageTimeoutError", "ModelError", "ConfigError", "InputFormatError",
]
