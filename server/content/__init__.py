"""The content layer: files in, one validated immutable model out. Knows nothing of Flask."""
from .loader import ContentError, Problem, load  # noqa: F401
from .model import Content  # noqa: F401
